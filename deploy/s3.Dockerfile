# s3s-fs, pinned: 0.15+ needs a newer rustc than the project's 1.95.
FROM rust:1.95-bookworm AS build
RUN cargo install --locked --root /opt/s3s s3s-fs --version 0.14.1 --features binary
FROM debian:bookworm-slim
COPY --from=build /opt/s3s/bin/s3s-fs /usr/local/bin/s3s-fs
ENTRYPOINT ["s3s-fs"]
