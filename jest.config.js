// One jest run over every workspace: each project is a package or app with its tests beside the code.
const fs = require('node:fs');
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2022',
      transform: { react: { runtime: 'automatic', importSource: 'hono/jsx' } },
    },
    module: { type: 'commonjs' },
  },
];

const roots = ['packages', 'apps']
  .flatMap((dir) => fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name)))
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'package.json')));

roots.push('infra', 'tools', 'faults');

module.exports = {
  projects: roots.map((dir) => ({
    displayName: dir,
    rootDir: path.join(__dirname, dir),
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)sx?$': swc },
    transformIgnorePatterns: ['/node_modules/(?!(@electric-sql|jose)/)'],
    testMatch: ['<rootDir>/**/*.test.ts', '<rootDir>/**/*.test.tsx'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  })),
};
