/**
 * WeChat Official Account message encryption ("安全模式" / "兼容模式"), as specified in WeChat's
 * 消息加解密说明 and implemented by Tencent's WXBizMsgCrypt samples:
 *
 * - key  = base64decode(EncodingAESKey + "=")  (43 chars → 32 bytes), IV = key[0..16)
 * - AES-256-CBC over  random(16) ‖ uint32be(len(msg)) ‖ msg ‖ AppID,  PKCS#7-padded to a 32-byte block
 * - the ciphertext travels base64-encoded in `<Encrypt>`, signed by `msg_signature` (see signature.ts).
 *
 * Pure functions, no environment reads: shared by the app's callback route and the sandbox's "phone".
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { computeMsgSignature, equalsConstantTime, verifyMsgSignature } from "./signature";

const BLOCK = 32;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;

export type TWechatCryptoErrorCode =
  "illegal_aes_key" | "signature_mismatch" | "decrypt_failed" | "illegal_buffer" | "appid_mismatch";

/** One error type with a code, so a route can map each failure to a log line without parsing messages. */
export class WechatCryptoError extends Error {
  override name = "WechatCryptoError";
  constructor(
    readonly code: TWechatCryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Decodes the 43-character EncodingAESKey into the 32-byte AES key; rejects anything else. */
export function decodeEncodingAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
    throw new WechatCryptoError("illegal_aes_key", "EncodingAESKey must be 43 characters of [A-Za-z0-9]");
  }
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (key.length !== 32)
    throw new WechatCryptoError("illegal_aes_key", "EncodingAESKey does not decode to 32 bytes");
  return key;
}

function padPkcs7(data: Buffer): Buffer {
  const amount = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(amount, amount)]);
}

/** Strict PKCS#7 removal: every pad byte must equal the pad length (1..32). */
function unpadPkcs7(data: Buffer): Buffer {
  const amount = data.at(-1);
  if (amount === undefined || amount < 1 || amount > BLOCK || amount > data.length) {
    throw new WechatCryptoError("illegal_buffer", "invalid PKCS#7 padding");
  }
  for (let i = data.length - amount; i < data.length; i++) {
    if (data[i] !== amount) throw new WechatCryptoError("illegal_buffer", "invalid PKCS#7 padding");
  }
  return data.subarray(0, data.length - amount);
}

export type TEncryptInput = {
  encodingAesKey: string;
  appId: string;
  message: string;
  /** The 16-byte random prefix; injectable only so tests can reproduce published ciphertexts. */
  randomPrefix?: Buffer;
};

/** Encrypts a message (usually an XML reply) and returns the base64 ciphertext for `<Encrypt>`. */
export function encryptMessage(input: TEncryptInput): string {
  const key = decodeEncodingAesKey(input.encodingAesKey);
  const prefix = input.randomPrefix ?? randomBytes(RANDOM_PREFIX);
  if (prefix.length !== RANDOM_PREFIX) throw new RangeError("randomPrefix must be 16 bytes");
  const body = Buffer.from(input.message, "utf8");
  const length = Buffer.alloc(LENGTH_FIELD);
  length.writeUInt32BE(body.length, 0);
  const plain = padPkcs7(Buffer.concat([prefix, length, body, Buffer.from(input.appId, "utf8")]));
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  // WeChat pads to 32-byte blocks itself; OpenSSL's 16-byte PKCS#7 would add a further block.
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

export type TDecryptInput = { encodingAesKey: string; appId: string; encrypted: string };

/** Decrypts an `<Encrypt>` payload and returns the message, verifying padding, length and AppID. */
export function decryptMessage(input: TDecryptInput): string {
  const key = decodeEncodingAesKey(input.encodingAesKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.encrypted)) {
    throw new WechatCryptoError("decrypt_failed", "ciphertext is not base64");
  }
  const cipherBytes = Buffer.from(input.encrypted, "base64");
  if (cipherBytes.length === 0 || cipherBytes.length % 16 !== 0) {
    throw new WechatCryptoError("decrypt_failed", "ciphertext length is not a multiple of the AES block");
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(cipherBytes), decipher.final()]);
  } catch {
    throw new WechatCryptoError("decrypt_failed", "AES decryption failed");
  }
  const content = unpadPkcs7(plain).subarray(RANDOM_PREFIX);
  if (content.length < LENGTH_FIELD) throw new WechatCryptoError("illegal_buffer", "plaintext too short");
  const messageLength = content.readUInt32BE(0);
  if (LENGTH_FIELD + messageLength > content.length) {
    throw new WechatCryptoError("illegal_buffer", "message length exceeds plaintext");
  }
  const message = content.subarray(LENGTH_FIELD, LENGTH_FIELD + messageLength);
  const appId = content.subarray(LENGTH_FIELD + messageLength).toString("utf8");
  if (!equalsConstantTime(appId, input.appId)) {
    throw new WechatCryptoError("appid_mismatch", "AppID in the ciphertext does not match");
  }
  return message.toString("utf8");
}

export type TWechatCryptoConfig = { token: string; encodingAesKey: string; appId: string };

export type TSealedMessage = { encrypt: string; msgSignature: string; timestamp: string; nonce: string };

/** Encrypts and signs a message: the four fields of an encrypted callback or passive reply. */
export function sealMessage(
  config: TWechatCryptoConfig,
  message: string,
  timestamp: string,
  nonce: string,
  randomPrefix?: Buffer,
): TSealedMessage {
  const encrypt = encryptMessage({
    encodingAesKey: config.encodingAesKey,
    appId: config.appId,
    message,
    randomPrefix,
  });
  return {
    encrypt,
    msgSignature: computeMsgSignature(config.token, timestamp, nonce, encrypt),
    timestamp,
    nonce,
  };
}

/** Verifies `msg_signature` first (cheap, rejects forgeries before any AES work), then decrypts. */
export function openSealedMessage(config: TWechatCryptoConfig, sealed: TSealedMessage): string {
  const valid = verifyMsgSignature({
    token: config.token,
    timestamp: sealed.timestamp,
    nonce: sealed.nonce,
    encrypt: sealed.encrypt,
    msgSignature: sealed.msgSignature,
  });
  if (!valid) throw new WechatCryptoError("signature_mismatch", "msg_signature does not match");
  return decryptMessage({
    encodingAesKey: config.encodingAesKey,
    appId: config.appId,
    encrypted: sealed.encrypt,
  });
}
