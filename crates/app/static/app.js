// izinkes progressive enhancement: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var csrf = (document.querySelector("input[name=_csrf]") || {}).value || "";

  // Area pickers: load the next level as soon as one is chosen.
  var order = ["prov", "kab", "kec", "desa"];
  document.querySelectorAll("fieldset[data-area]").forEach(function (fs) {
    var selects = {};
    fs.querySelectorAll("select[data-level]").forEach(function (s) { selects[s.dataset.level] = s; });
    order.slice(0, 3).forEach(function (level, i) {
      var s = selects[level];
      if (!s) return;
      s.addEventListener("change", function () {
        order.slice(i + 1).forEach(function (lower) {
          var t = selects[lower];
          while (t.options.length > 1) t.remove(1);
        });
        if (!s.value) return;
        fetch("/wilayah/" + encodeURIComponent(s.value), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            var next = selects[order[i + 1]];
            items.forEach(function (a) { next.add(new Option(a.name, a.code)); });
            next.focus();
          });
      });
    });
  });

  // Reveal groups behind a checkbox (kuasa, perusahaan).
  document.querySelectorAll("input[data-reveal]").forEach(function (cb) {
    var target = document.getElementById(cb.dataset.reveal);
    if (!target) return;
    var sync = function () { target.hidden = !cb.checked; };
    cb.addEventListener("change", sync);
    sync();
  });

  // Uploads with a progress bar; on failure nothing else on the page is lost.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files.length || !window.XMLHttpRequest) return;
      ev.preventDefault();
      var bar = form.querySelector("progress");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.onprogress = function (e) { if (bar && e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); };
      xhr.onload = function () {
        if (xhr.status < 400 && xhr.responseURL) { location.assign(xhr.responseURL); return; }
        document.open(); document.write(xhr.responseText); document.close();
      };
      xhr.onerror = function () {
        if (bar) bar.hidden = true;
        alert("Unggahan gagal karena koneksi terputus. Data lain tidak hilang; silakan coba lagi.");
      };
      xhr.send(new FormData(form));
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });

  var summary = document.getElementById("ringkasan-kesalahan");
  if (summary) summary.focus();
})();
