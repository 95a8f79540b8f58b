<#ftl output_format="HTML">
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
tr.APPLIED, tr.PLANNED { background: #eef7ee; }
tr.FAILED { background: #fbeaea; }
tr.LIMITED { background: #fff6e0; }
.reason { color: #555; font-size: .9em; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>${summary}</p>
<table>
<thead><tr><th>Account</th><th>Region</th><th>Quota</th><th>Applied</th><th>Wanted</th><th>In use</th><th>Exhausted</th><th>Open request</th><th>Action</th></tr></thead>
<tbody>
<#list rows as r>
<tr class="${r.status()}">
<td>${r.account()}</td><td>${r.region()}</td>
<td><#if r.quota()?has_content><code>${r.quota()}</code><br>${r.quotaName()}</#if></td>
<td class="num">${r.applied()}</td>
<td class="num"><#if r.verb() != "account-failed">${r.wanted()?c}</#if></td>
<td class="num">${r.inUse()}</td><td>${r.exhaustion()}</td>
<td>${r.openRequest()}</td>
<td><strong>${r.status()}</strong> ${r.verb()} ${r.detail()!""}<div class="reason">${r.reason()!""}</div></td>
</tr>
</#list>
</tbody>
</table>
<#if warnings?size gt 0>
<h2>Needs attention</h2>
<ul>
<#list warnings as wn><li>${wn}</li></#list>
</ul>
</#if>
</body>
</html>
