// app.js - placeholder script until the web app lands (a later issue).
'use strict';
document.documentElement.classList.add('js');
