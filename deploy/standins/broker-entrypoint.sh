#!/bin/sh
# The compose file's host port maps to 9094; Tansu listens on 9092 only.
set -e
socat TCP-LISTEN:9094,fork,reuseaddr TCP:127.0.0.1:9092 &
exec tansu broker
