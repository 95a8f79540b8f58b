<#ftl output_format="HTML">
<#--
  The one layout of every kubechores HTML page: the jobs' reports (downscale, rightsize, quotas, certs, promote) and
  the runner's status and run pages. Import it with <#import "layout.ftl" as l> and wrap the body in
  <@l.page title="…" job="…" meta="…">…</@l.page>; page-only styles go in css (an <#assign css>…</#assign> block).
  Reports state their time zone in meta; the runner pages pass script (the local-time script, allowed by its CSP hash).
-->
<#macro page title job="" meta="" css="" script="" bodyClass="" home="">
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kubechores">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>
  :root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --info: #0969da; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; color: #1f2328; background: #fff; }
  header.kc { display: flex; align-items: baseline; gap: .8rem; padding: .7rem 2rem; border-bottom: 1px solid var(--line); background: var(--soft); }
  header.kc .brand { font-weight: 700; color: #1f2328; text-decoration: none; }
  header.kc .job { font-weight: 600; padding: .05rem .5rem; border-radius: 1rem; background: #ddf4ff; color: #0550ae; }
  main { padding: 1rem 2rem 2rem; }
  h1 { font-size: 1.45rem; margin: .4rem 0 .2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; } h3 { font-size: 1rem; }
  .meta, .muted { color: var(--muted); font-size: .88rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
  th, td { padding: .3rem .6rem; text-align: left; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  th { background: var(--soft); border-bottom: 2px solid var(--line); }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .reason { color: var(--muted); font-size: .85em; }
  .APPLIED, .COMPLETED, .OK, .pass { color: var(--ok); }
  .FAILED, .PARTIAL_FAILURE, .FAIL, .NEEDS_HUMAN, .ABANDONED { color: var(--bad); }
  .LIMITED, .SKIPPED, .STARTED, .STARTING, .RUNNING, .warn { color: var(--warn); }
  .PLANNED { color: var(--info); } .UNCHANGED, .NONE { color: var(--muted); }
  tr.APPLIED, tr.PLANNED, tr.pass { background: #f0f9f1; } tr.FAILED, tr.FAIL { background: #fff1f0; }
  tr.LIMITED, tr.SKIPPED { background: #fff8e5; }
  tr.APPLIED td, tr.PLANNED td, tr.FAILED td, tr.LIMITED td, tr.SKIPPED td, tr.pass td, tr.FAIL td { color: inherit; }
  .notice { background: #ddf4ff; padding: .5rem 1rem; border-radius: 6px; }
  .attention { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .4rem 1rem; }
  .attention.failed { background: #ffebe9; border-color: #ff8182; }
  svg.chart { max-width: 100%; height: auto; }
  svg.chart text { font-size: 11px; fill: var(--muted); }
  .legend span { display: inline-block; margin-right: 1rem; font-size: .85rem; }
  .legend i { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: middle; }
  footer.kc { padding: .6rem 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .8rem; }
  ${css}
</style>
</head>
<body<#if bodyClass?has_content> class="${bodyClass}"</#if>>
<header class="kc"><#if home?has_content><a class="brand" href="${home}">kubechores</a><#else><span class="brand">kubechores</span></#if><#if job?has_content><span class="job" id="job">${job}</span></#if><#if meta?has_content><span class="meta" id="meta">${meta}</span></#if></header>
<main>
<#nested>
</main>
<footer class="kc">kubechores · GitOps chores for EKS fleets</footer>
<#if script?has_content><script>${script?no_esc}</script></#if>
</body>
</html>
</#macro>

<#-- "Needs attention" list used by every report. -->
<#macro attention items heading="Needs attention" id="attention" failed=false>
<#if items?has_content>
<section class="attention<#if failed> failed</#if>" id="${id}"><h2>${heading}</h2><ul><#list items as i><li>${i}</li></#list></ul></section>
</#if>
</#macro>
