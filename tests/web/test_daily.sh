#!/bin/bash
# test_daily.sh - issue 14's daily work in the browser: tests/web/daily.mjs,
# run by test_web.sh (the same demo database, server and chromium).
WEB_SCRIPT=daily.mjs exec bash "$(dirname "$0")/test_web.sh"
