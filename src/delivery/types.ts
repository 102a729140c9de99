import type { SlipwayError } from "../errors.js";

/** One image to put on hosts. */
export interface ImageToDeliver {
  service: string;
  /** `repo@sha256:...` (registry delivery) or a local reference such as `repo:<sha>` (SSH stream). */
  reference: string;
  /** Extra local tag to give the image on the host (e.g. `repo:<sha>`), so people can read `docker images`. */
  tagAs?: string;
}

export type DeliveryAction = "pulled" | "streamed" | "present";

export interface DeliveredImage {
  service: string;
  reference: string;
  imageId: string;
  action: DeliveryAction;
}

export interface HostDeliveryResult {
  host: string;
  ok: boolean;
  images: DeliveredImage[];
  error?: SlipwayError;
  durationMs: number;
}

export interface DeliveryProgressEvent {
  host: string;
  service: string;
  /** Pull: layers; stream: bytes sent (compressed). */
  kind: "layers" | "bytes" | "done";
  done: number;
  total: number | null;
  status: string;
}
