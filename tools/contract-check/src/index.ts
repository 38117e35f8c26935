export {
  checkPacts,
  type Finding,
  formatFindings,
  type SpecInput,
  VALIDATORS,
  type Validator,
  warmUp,
} from "./check.js";
export {
  type ContractMatrix,
  type ContractsMdUpdate,
  columnName,
  contractMatrix,
  contractsMdUpdates,
  type Dependency,
  type DependencyKind,
  dependenciesOf,
  MATRIX_BEGIN,
  MATRIX_END,
  type MatrixColumn,
  type MatrixRow,
  renderConsumerMarkdown,
  withMatrix,
} from "./matrix.js";
export { bodyContent, type Pact, type PactInteraction, type PactSource, ranges, readPacts } from "./pacts.js";
