// Every page links to the same page in the other edition: the book is built
// twice, into book/en/ and book/zh-CN/, with the same file names.
(function () {
    "use strict";
    const lang = document.documentElement.lang;
    const other = lang === "zh-CN" ? "en" : "zh-CN";
    const label = other === "zh-CN" ? "中文" : "English";
    const root = new URL(typeof path_to_root === "string" ? path_to_root : "./", location.href);
    const page = new URL(location.href);
    page.hash = "";
    page.search = "";
    let rel = page.href.startsWith(root.href) ? page.href.slice(root.href.length) : "";
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const a = document.createElement("a");
    a.id = "unp-lang-switch";
    a.href = new URL("../" + other + "/" + rel, root).href;
    a.lang = other;
    a.title = other === "zh-CN" ? "本页的中文版" : "This page in English";
    a.textContent = label;
    a.style.cssText = "margin: 0 0.6em; font-size: 1.4rem; text-decoration: none;";
    const bar = document.querySelector(".right-buttons") || document.querySelector("#menu-bar") || document.body;
    bar.prepend(a);
})();
