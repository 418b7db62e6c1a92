// PouchDB's own replication building blocks (same release as pouchdb-replication), used by
// initialPull.ts to hand over to the live sync exactly as the replicator checkpoints.
declare module 'pouchdb-generate-replication-id' {
  export default function generateReplicationId(src: PouchDB.Database, target: PouchDB.Database, opts: object): Promise<string>;
}
declare module 'pouchdb-checkpointer' {
  interface Checkpointer {
    writeCheckpoint(seq: string | number, session: string): Promise<unknown>;
    getCheckpoint(): Promise<string | number>;
  }
  export default function Checkpointer(
    src: PouchDB.Database,
    target: PouchDB.Database,
    id: string,
    returnValue: { cancelled: boolean },
    opts: { writeSourceCheckpoint: boolean; writeTargetCheckpoint: boolean },
  ): Checkpointer;
}
// PouchDB's Mango selector matcher: the tests check the county filter function against it.
declare module 'pouchdb-selector-core' {
  export function massageSelector(selector: object): object;
  export function matchesSelector(doc: object, selector: object): boolean;
}
