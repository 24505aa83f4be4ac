package org.bastionmail.reports;

/** How sending one report went: how many targets got it, and whether some should be tried again. */
record Attempt(int sent, boolean pending) {}
