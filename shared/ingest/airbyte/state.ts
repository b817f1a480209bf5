/**
 * The cursor value an Airbyte stream state reached, for display and `sync_state.cursor` (pure).
 * Shapes seen in the four connectors: `{"started": "2024-05-02T15:00:12Z"}`, `{"updatedAt": "..."}`,
 * `{"SystemModstamp": "..."}`, `{"lastUpdated": 1681915963485}`, per-partition
 * `{"states": [{"partition": {...}, "cursor": {"float_ts": "2534945416"}}]}` (the newest partition cursor).
 */
export function cursorOfState(state: unknown): string | null {
  if (state === null || state === undefined) return null;
  if (typeof state === 'string') return state;
  if (typeof state === 'number' || typeof state === 'bigint') return String(state);
  if (typeof state !== 'object' || Array.isArray(state)) return null;
  const obj = state as Record<string, unknown>;
  if (Array.isArray(obj.states)) {
    const values = obj.states
      .map((s) => (s && typeof s === 'object' ? cursorOfState((s as Record<string, unknown>).cursor) : null))
      .filter((v): v is string => v !== null)
      .sort();
    return values.at(-1) ?? null;
  }
  const scalars = Object.entries(obj).filter(
    ([k, v]) => k !== 'state_type' && (typeof v === 'string' || typeof v === 'number'),
  );
  if (scalars.length === 1) return String(scalars[0]![1]);
  for (const key of [
    'cursor',
    'updatedAt',
    'updated_at',
    'SystemModstamp',
    'started',
    'float_ts',
    'lastUpdated',
  ])
    if (typeof obj[key] === 'string' || typeof obj[key] === 'number') return String(obj[key]);
  if (obj.cursor && typeof obj.cursor === 'object') return cursorOfState(obj.cursor);
  return null;
}
