// Hashring routing: replication with quorum, forwarding over thanos.WriteableStore/RemoteWrite,
// and the WriteableStore a receiver serves to its peers.
export { Router, writeQuorum, type RouterOptions } from "./router.ts";
export { ForwardClients } from "./clients.ts";
export { receiverWriteable } from "./writeable.ts";
export { toWriteRequest, fromWriteRequest, type ReceivedWrite } from "./convert.ts";
export { errorForStatus, statusForError, quorumFailureStatus } from "./status.ts";
