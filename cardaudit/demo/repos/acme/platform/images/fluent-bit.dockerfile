# Log router sidecar image for FireLens (built by infra, pulled by every service).
FROM amazon/aws-for-fluent-bit:latest
COPY fluent-bit/extra.conf /fluent-bit/etc/extra.conf
USER 1000
