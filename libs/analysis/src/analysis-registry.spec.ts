import { routingOnlyAnalysis } from '@nidus/testing';
import { AnalysisRegistry, type AnalysisProvider } from './analysis-registry';
import { DuplicateAnalysisError, RouteToUnknownAnalysisError, UnknownAnalysisError } from './analysis.errors';

const route = (name: string, analysis: string) => ({ name, match: {}, analysis, priority: 'routine' as const });

describe(AnalysisRegistry.name, () => {
  const a = routingOnlyAnalysis('a', [route('a-default', 'a')]);
  const b = routingOnlyAnalysis('b', [route('b-default', 'b')]);

  it('finds analyses by id and names what is installed when one is not', () => {
    const registry = new AnalysisRegistry([a, b]);
    expect(registry.get('b')).toBe(b);
    expect(registry.find('c')).toBeUndefined();
    expect(() => registry.get('c')).toThrow(new UnknownAnalysisError('c', ['a', 'b']));
    expect(() => registry.get('c')).toThrow('no analysis named c is installed (installed: a, b)');
    expect(() => new AnalysisRegistry([a, a])).toThrow(DuplicateAnalysisError);
  });

  it("takes the analyses' own routes when NIDUS_CONFIG names none, and checks configured routes against what is installed", () => {
    const registry = new AnalysisRegistry([a, b]);
    expect(registry.routes(undefined).map((r) => r.name)).toEqual(['a-default', 'b-default']);
    expect(registry.routes([route('only-b', 'b')]).map((r) => r.name)).toEqual(['only-b']);
    expect(registry.routes([])).toEqual([]);
    expect(() => registry.routes([route('only-b', 'b'), route('cxr', 'cxr-findings')])).toThrow(
      new RouteToUnknownAnalysisError('cxr', 'cxr-findings', ['a', 'b']),
    );
    expect(() => registry.routes([route('cxr', 'cxr-findings')])).toThrow(
      /^route cxr names analysis cxr-findings, which is not installed \(installed: a, b\)$/,
    );
  });

  it('is built from providers; what a provider cannot install is a named problem, the rest is installed', () => {
    const environment = { nidusVersion: '1', inference: {} as never };
    const good: AnalysisProvider = { name: 'good', provide: () => ({ analyses: [a] }) };
    const broken: AnalysisProvider = { name: 'models', provide: () => ({ analyses: [b], problems: [{ id: 'cxr', reason: 'sha256 differs' }] }) };
    const registry = AnalysisRegistry.build([good, broken], environment);
    expect(registry.ids()).toEqual(['a', 'b']);
    expect(registry.problems).toEqual([{ id: 'cxr', reason: 'sha256 differs' }]);
  });
});
