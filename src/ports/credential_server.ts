/**
 * Serving credentials to a child process over a loopback endpoint, in the container-credentials
 * format the AWS SDKs and CLI read through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The adapter owns the socket and the token and refuses
 * anything but an authorised GET of its URL; the use case decides what each request gets.
 *
 * @module
 */
import type { IssuedCredentials } from "../core/issuance/credential_process.ts";

/** What one authorised credential request is answered with. */
export type ServedAnswer =
  | {
    ok: true;
    credentials: IssuedCredentials;
    /** The `Expiration` the client is told (epoch ms): when it must come back. */
    expiresAt: number;
  }
  | {
    ok: false;
    /** 403: the policy no longer allows; 503: issuance failed and may work later; 500: a bug. */
    status: 403 | 500 | 503;
    /** A stable error name (`denied`, `aws_failure`, …). */
    code: string;
    /** For people; never holds a secret. */
    message: string;
  };

/** A running endpoint. */
export interface CredentialEndpoint {
  /** `http://127.0.0.1:<port>/<path>`, for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string;
  /** For AWS_CONTAINER_AUTHORIZATION_TOKEN: a secret, compared in constant time. */
  readonly token: string;
  /** Stops listening and waits for requests in flight. */
  close(): Promise<void>;
}

/** Starts credential endpoints on the loopback interface. */
export interface CredentialServer {
  /** Listens on 127.0.0.1; every authorised GET of the endpoint's URL is answered by `answer`. */
  start(answer: () => Promise<ServedAnswer>): Promise<CredentialEndpoint>;
}
