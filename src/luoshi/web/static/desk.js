// The reporting desk's entry form (templates/reporting/entry.html): a column pasted from Excel fills
// the field and the ones after it; Enter moves to the next field instead of submitting; a changed
// value is checked by the server (the same checks as a save, as a dry run) and each field shows its
// problems.  The form works without this file.
(function () {
  "use strict";
  var form = document.querySelector("[data-entry-form]");
  if (!form) { return; }
  var values = Array.prototype.slice.call(form.querySelectorAll("input[data-value]"));
  var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-value], input[data-comment]"));

  function cells(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && lines[lines.length - 1].trim() === "") { lines.pop(); }
    return lines.map(function (line) { return line.split("\t")[0].trim(); });
  }

  values.forEach(function (input, i) {
    input.addEventListener("paste", function (ev) {
      var text = (ev.clipboardData || window.clipboardData).getData("text");
      if (text.indexOf("\n") < 0 && text.indexOf("\r") < 0) { return; }  // one cell: the browser pastes it
      ev.preventDefault();
      cells(text).forEach(function (cell, k) {
        if (values[i + k]) { values[i + k].value = cell; }
      });
      check();
    });
  });

  fields.forEach(function (input, i) {
    input.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") { return; }
      ev.preventDefault();
      var next = fields[i + 1];
      if (next) { next.focus(); } else { form.querySelector("[data-action=check]").focus(); }
    });
    input.addEventListener("change", check);
  });

  var timer = null;
  function check() {
    clearTimeout(timer);
    timer = setTimeout(send, 300);
  }

  function show(code, problems) {
    var box = form.querySelector('[data-messages="' + code + '"]');
    var input = form.querySelector('[data-value="' + code + '"]');
    if (!box) { return; }
    box.textContent = "";
    var bad = false;
    (problems || []).forEach(function (p) {
      var el = document.createElement("p");
      el.className = "msg-" + p.severity;
      el.setAttribute("data-code", p.code);
      el.textContent = document.documentElement.lang === "en" ? p.message : (p.message_zh || p.message);
      box.appendChild(el);
      bad = bad || p.severity === "error";
    });
    if (input) { if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); } }
  }

  function send() {
    var rows = values.map(function (input) {
      var code = input.getAttribute("data-value");
      var comment = form.querySelector('[data-comment="' + code + '"]');
      return {indicator: code, value: input.value, comment: comment ? comment.value : ""};
    });
    var csrf = form.querySelector("input[name=csrf_token]").value;
    fetch("/api/reporting/entry", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({region: form.elements.region.value, period: form.elements.period.value,
                            action: "check", values: rows})
    }).then(function (resp) { return resp.json(); }).then(function (data) {
      var fieldsOut = (data["import"] || data).fields;
      if (!fieldsOut) { return; }  // nothing entered (missing-value) or a refusal: leave the messages
      values.forEach(function (input) {
        var code = input.getAttribute("data-value");
        show(code, fieldsOut[code] ? fieldsOut[code].problems : []);
      });
    }).catch(function () { /* offline: the form still saves without the check */ });
  }
})();
