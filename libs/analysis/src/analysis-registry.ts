import type { Route } from '@nidus/config';
import type { Analysis, AnalysisEnvironment } from './analysis';
import { DuplicateAnalysisError, RouteToUnknownAnalysisError, UnknownAnalysisError } from './analysis.errors';

/** Something installed that is not usable (a model whose manifest is invalid), named at start-up; the rest still run. */
export interface InstallProblem {
  id: string;
  reason: string;
}

/** What one installed kind of analysis contributes: CT perfusion gives one, the models folder one per model. */
export interface AnalysisProvider {
  name: string;
  provide(environment: AnalysisEnvironment): { analyses: Analysis[]; problems?: InstallProblem[] };
}

/**
 * The analyses this process can run, built once at start-up from what is installed (libs/analyses/src/
 * installed-analyses.ts). Routes, the job handler, alerts and the review page find an analysis here by id.
 */
export class AnalysisRegistry {
  private readonly byId = new Map<string, Analysis>();
  readonly problems: InstallProblem[] = [];

  constructor(analyses: readonly Analysis[], problems: readonly InstallProblem[] = []) {
    for (const a of analyses) {
      if (this.byId.has(a.id)) throw new DuplicateAnalysisError(a.id);
      this.byId.set(a.id, a);
    }
    this.problems.push(...problems);
  }

  static build(providers: readonly AnalysisProvider[], environment: AnalysisEnvironment): AnalysisRegistry {
    const analyses: Analysis[] = [];
    const problems: InstallProblem[] = [];
    for (const provider of providers) {
      const provided = provider.provide(environment);
      analyses.push(...provided.analyses);
      problems.push(...(provided.problems ?? []));
    }
    return new AnalysisRegistry(analyses, problems);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  list(): Analysis[] {
    return [...this.byId.values()];
  }

  find(id: string): Analysis | undefined {
    return this.byId.get(id);
  }

  get(id: string): Analysis {
    const analysis = this.byId.get(id);
    if (!analysis) throw new UnknownAnalysisError(id, this.ids());
    return analysis;
  }

  /** The routes of every installed analysis, used when NIDUS_CONFIG names none. */
  defaultRoutes(): Route[] {
    return this.list().flatMap((a) => a.defaultRoutes);
  }

  /** The routes in effect: those configured, checked against what is installed, or else the analyses' own. */
  routes(configured: readonly Route[] | undefined): Route[] {
    if (configured === undefined) return this.defaultRoutes();
    for (const route of configured) {
      if (!this.byId.has(route.analysis)) throw new RouteToUnknownAnalysisError(route.name, route.analysis, this.ids());
    }
    return [...configured];
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((a) => a.close?.()));
  }
}
