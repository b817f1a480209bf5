/** Metadata stored with each vector: flat, filterable values. */
export type MetadataValue = string | number | boolean | string[];
export type Metadata = Record<string, MetadataValue>;
