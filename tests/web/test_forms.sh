#!/bin/bash
# test_forms.sh - the forms people live in, in Debian's chromium: field
# errors marked, attachments, the operator's desk, live sessions, admin
# editing, one's own password, the phone menu; axe-core over every page of
# every role, desktop and phone, with a screenshot of each under
# build/screens/ (tests/web/forms.mjs, against test_web.sh's database and
# server).  WEB_SHOTS=DIR also copies the few the README shows there
# (`make screenshots`).
WEB_SCRIPT=forms.mjs WEB_TIMEOUT=${WEB_TIMEOUT:-480} exec bash "$(dirname "$0")/test_web.sh"
