import 'reflect-metadata';
import { generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface ClientCertificate {
  certPem: string;
  privateKeyPem: string;
  /** Upper-case hex without separators, as the Entra portal shows thumbprints (msal takes this form). */
  thumbprintSha256: string;
  thumbprintSha1: string;
}

// RSA because msal-node signs client assertions with RS256/PS256 only.
const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/**
 * A self-signed certificate for an app registration's certificate credential: the public part is what
 * one uploads to the app, the private key is what the client signs its assertions with.
 */
export async function createClientCertificate(clientId: string): Promise<ClientCertificate> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privateKey = await webcrypto.subtle.importKey('pkcs8', keys.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', keys.publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify']);

  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^./, '1'),
    name: `CN=${clientId}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    signingAlgorithm: algorithm,
    keys: { privateKey, publicKey },
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const certPem = cert.toString('pem') + '\n';
  const parsed = new X509Certificate(certPem);
  return {
    certPem,
    privateKeyPem,
    thumbprintSha256: parsed.fingerprint256.replace(/:/g, ''),
    thumbprintSha1: parsed.fingerprint.replace(/:/g, ''),
  };
}
