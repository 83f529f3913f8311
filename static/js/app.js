/* Minzheng: small progressive enhancements. Every page works without this file.
   - the phone menu button ([data-nav-toggle]) opens and closes the main navigation;
   - only one menu group ([data-nav-group]) is open at a time; a click elsewhere closes it;
   - an error summary ([data-error-summary]) takes the focus, so it is read out first;
   - [data-print] buttons print the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !nav) { return; }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        toggle.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        toggle.focus();
      }
    });
  }

  function setUpMenuGroups() {
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-nav-group]"));
    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (!group.open) { return; }
        groups.forEach(function (other) { if (other !== group) { other.open = false; } });
      });
    });
    function closeAll() { groups.forEach(function (group) { group.open = false; }); }
    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-nav-group]")) { closeAll(); }
    });
    document.addEventListener("keydown", function (event) {
      var open = groups.filter(function (group) { return group.open; })[0];
      if (event.key === "Escape" && open) {
        open.open = false;
        open.querySelector("summary").focus();
        event.stopImmediatePropagation();  // one Escape closes one thing
      }
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function setUpPrinting() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenuGroups();  // before the menu: its Escape handler must run first
    setUpMenu();
    focusErrorSummary();
    setUpPrinting();
  });
}());
