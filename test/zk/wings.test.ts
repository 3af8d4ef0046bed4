import { existsSync } from 'node:fs';
import path from 'node:path';
import { readSource, relativeImports, repositoryRoot, sourceFiles } from '../fixtures/repository.js';

/**
 * lib/zk/ has three wings: the pure codec, the client and the simulator, both built on the codec only.
 * Anything outside a wing goes through its index, so a wing can rearrange its files freely; the one
 * exception is a wing's own unit tests in test/zk/<wing>/.
 */
const WINGS = ['codec', 'client', 'simulator'] as const;
type Wing = (typeof WINGS)[number];
const MAY_USE: Record<Wing, Wing[]> = { codec: [], client: ['codec'], simulator: ['codec'] };

const zk = path.join(repositoryRoot, 'lib', 'zk');

function wingOf(file: string, base: string): Wing | undefined {
  const [first] = path.relative(base, file).split(path.sep);
  return WINGS.find((wing) => wing === first);
}

interface ZkImport {
  from: string;
  target: string;
  line: number;
}

const zkImports: ZkImport[] = sourceFiles().flatMap((file) =>
  relativeImports(readSource(file))
    .map(({ specifier, line }) => ({
      from: file,
      target: path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')),
      line,
    }))
    .filter(({ target }) => wingOf(target, zk) !== undefined),
);

const describeImport = ({ from, target, line }: ZkImport) =>
  `${path.relative(repositoryRoot, from)}:${line} imports ${path.relative(repositoryRoot, target)}`;

describe('lib/zk wings', () => {
  it('has its three wings, each with an index, and nothing loose beside them', () => {
    const loose = sourceFiles(zk).filter((file) => wingOf(file, zk) === undefined);
    expect(loose.map((file) => path.relative(repositoryRoot, file))).toEqual([]);
    expect(WINGS.filter((wing) => !existsSync(path.join(zk, wing, 'index.ts')))).toEqual([]);
  });

  it('is used through each wing index from outside the wing', () => {
    const bypassing = zkImports.filter(({ from, target }) => {
      const wing = wingOf(target, zk)!;
      const inside =
        wingOf(from, zk) === wing || wingOf(from, path.join(repositoryRoot, 'test', 'zk')) === wing;
      return !inside && path.basename(target) !== 'index.ts';
    });
    expect(bypassing.map(describeImport)).toEqual([]);
    expect(zkImports.length).toBeGreaterThan(20);
  });

  it('builds the client and the simulator on the codec only', () => {
    const crossing = zkImports.filter(({ from, target }) => {
      const fromWing = wingOf(from, zk);
      const toWing = wingOf(target, zk)!;
      return fromWing !== undefined && fromWing !== toWing && !MAY_USE[fromWing].includes(toWing);
    });
    expect(crossing.map(describeImport)).toEqual([]);
  });
});
