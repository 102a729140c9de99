/** Public host keys generated with ssh-keygen for these tests (public halves only). */
function key(base64: string) {
  return { base64, blob: Buffer.from(base64, "base64") };
}

export const ED25519 = key("AAAAC3NzaC1lZDI1NTE5AAAAIAL1zfCQxUmM98zANXOkI2G376o/F7zbNmfrohNwtwwA");
export const ECDSA = key(
  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBQsBFXQv5na25iKbrSqbBnP8jUMLBJC4JgsaeTXoayJfw27GD8jfDuiHL8w3+Z0gWRiYTX777AzX8KLq6txxuw=",
);
export const RSA = key(
  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC171izOfqPH1zdAOsYffTEa0ahTPE71s9PXGZG+IbuT9XbsWCWMsMsaxTKxBrYMLo8j0heV8bvgqYyu1+WAy38omr/lXm14F9dvNIYwTcUx91oQoc9HezafSXMg67hR20E7sKDCyYr0Bz73TkprehWX3URzZLMxGLuEFAlj/a1TQ==",
);

/** `ssh-keygen -H` output for "10.213.0.11 <ED25519>" and "[10.213.0.12]:2222 <ECDSA>". */
export const HASHED_KNOWN_HOSTS = [
  `|1|ybQcuEVqfllXdo72UKnz53vPrCg=|FpHUCg5i1MOWuKfgRdWVL8tM1uE= ssh-ed25519 ${ED25519.base64}`,
  `|1|dKQopoL+5Qe9eLMmZmvmxz0heL0=|qUQGZSfHUr2iVgpCCasowcbMR7w= ecdsa-sha2-nistp256 ${ECDSA.base64}`,
].join("\n");
