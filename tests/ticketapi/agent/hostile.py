"""Known XSS vectors for the agent pages' tests: each would open a dialog or set a flag.

Placed in every text the ticket page shows (subject, message bodies, names, labels,
snippet and task titles); a page passes when Chromium saw no dialog and no flag.
"""

from __future__ import annotations

FLAG = "window.__xss = 1"
RUN = f"alert(1);{FLAG}"

VECTORS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f"<body onload={RUN}>",
    f"<iframe src=javascript:{RUN}></iframe>",
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    f"<a href=javascript:{RUN}>click</a>",
    f'<a href="JaVaScRiPt:{RUN}">click</a>',
    f'<a href="&#106;avascript:{RUN}">click</a>',
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<select autofocus onfocus={RUN}></select>",
    f"<textarea autofocus onfocus={RUN}></textarea>",
    f"<video><source onerror={RUN}></video>",
    f"<audio src=x onerror={RUN}>",
    f"<object data=javascript:{RUN}></object>",
    f"<embed src=javascript:{RUN}>",
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f"<form><button formaction=javascript:{RUN}>go</button></form>",
    f"<marquee onstart={RUN}>x</marquee>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"{{{{ {RUN} }}}}",
    f"${{{RUN}}}",
    f'<div style="background:url(javascript:{RUN})">x</div>',
    "<img src=x:alert(1) onerror=eval(src)>",
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<style>@import 'javascript:{RUN}';</style>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f"<base href=javascript:{RUN}//>",
    f'<img src="x` `<script>{RUN}</script>"` `>',
    f"<isindex type=image src=1 onerror={RUN}>",
    f'<x onclick="{RUN}">click me</x>',
    f"[click](javascript:{RUN})",
    f'![x](x" onerror="{RUN})',
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"<template><script>{RUN}</script></template>",
]
