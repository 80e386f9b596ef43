/**
 * Every type the codec carries beyond plain data: errors (with their class, cause and own
 * properties), queue handles, and plain objects with an own `__proto__` key. Registered
 * here, once, and imported by the public face and by the worker entry alike, so that both
 * ends of every boundary read and write the same types. It sits in the queue layer because
 * that is the lowest layer that sees them all.
 */
import { registerCodecType } from "../codec/codec.js";
import { errorType } from "../codec/error-codec.js";
import { protoKeyType } from "../codec/proto-key-codec.js";
import { Q } from "./q.js";

registerCodecType("Error", errorType);
registerCodecType("Q", Q.codecType);
registerCodecType("ProtoKey", protoKeyType);
