# Stand-in for axllent/mailpit (compose-check): aiosmtpd from Debian on port 1025, keeping every
# email in the Maildir /mail (no web UI). Read them with `docker exec <container> cat /mail/new/*`.
FROM ptfc-standin/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-aiosmtpd \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /mail/tmp /mail/new /mail/cur
EXPOSE 1025
CMD ["python3", "-m", "aiosmtpd", "-n", "-l", "0.0.0.0:1025", "-c", "aiosmtpd.handlers.Mailbox", "/mail"]
