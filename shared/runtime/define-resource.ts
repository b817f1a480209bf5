import type { ToolContext } from './define-tool.js';

/**
 * How a resource is declared: a fixed URI (`sophia://schema`) or a URI template (`kb://docs/{+path}`)
 * with optional listing and completion of its variables.
 */
export type ResourceContext = Omit<ToolContext, 'signal' | 'progress'>;

export interface ResourceContent {
  text: string;
  mimeType?: string;
}

export interface ListedResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

interface ResourceBase {
  name: string;
  title: string;
  description: string;
  mimeType: string;
  read(uri: URL, variables: Record<string, string>, ctx: ResourceContext): Promise<ResourceContent>;
}

export interface FixedResource extends ResourceBase {
  uri: string;
  template?: never;
}

export interface TemplateResource extends ResourceBase {
  template: string;
  uri?: never;
  list?(ctx: ResourceContext): Promise<ListedResource[]>;
  complete?: Record<string, (value: string, ctx: ResourceContext) => Promise<string[]>>;
}

export type ResourceDefinition = FixedResource | TemplateResource;
export type AnyResource = ResourceDefinition;

export function defineResource<R extends ResourceDefinition>(def: R): R {
  return def;
}
