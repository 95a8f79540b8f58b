<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- quotas: headroom bars (applied / wanted / in use / requested) per quota, then the table of decisions -->
<#assign css>
  .headroom { display: grid; grid-template-columns: minmax(16rem, 24rem) minmax(14rem, 1fr) minmax(10rem, 16rem); gap: .3rem 1rem; align-items: center; max-width: 70rem; font-size: .85rem; }
  .headroom .q code { font-size: .8rem; }
  .hbar { position: relative; height: 1.1rem; background: #eaeef2; border-radius: 3px; }
  .hbar .applied { position: absolute; left: 0; top: 0; bottom: 0; background: #8c959f; border-radius: 3px 0 0 3px; }
  .hbar .missing { position: absolute; top: 0; bottom: 0; background: repeating-linear-gradient(45deg, #ffcecb, #ffcecb 4px, #ff8182 4px, #ff8182 8px); }
  .hbar .used { position: absolute; left: 0; top: 30%; bottom: 30%; background: #0969da; }
  .hbar .wanted { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #1f2328; }
  .hbar .requested { position: absolute; top: -3px; bottom: -3px; width: 0; border-left: 2px dashed #8250df; }
  .legend i.applied { background: #8c959f; } .legend i.missing { background: #ff8182; } .legend i.used { background: #0969da; }
  .legend i.wanted { background: #1f2328; width: 2px; } .legend i.requested { border-left: 2px dashed #8250df; width: 0; }
</#assign>
<@l.page title=title job="quotas" meta=dryRun?then('plan (dry run): nothing requested', 'run') + revision?has_content?then(' · desired state ' + revision, '') css=css>
<h1>${title}</h1>
<p id="summary">${summary}</p>
<#if headroom?has_content>
<h2>Headroom</h2>
<p class="legend"><span><i class="applied"></i>applied</span><span><i class="missing"></i>missing to wanted</span><span><i class="used"></i>in use</span><span><i class="wanted"></i>wanted</span><span><i class="requested"></i>requested</span></p>
<div class="headroom" id="headroom">
<#list headroom as h>
  <span class="q">${h.account()} ${h.region()} <code>${h.quota()}</code><br><span class="reason">${h.name()}</span></span>
  <span class="hbar" role="img" aria-label="${h.quota()} in ${h.account()} ${h.region()}: applied ${h.applied()}, wanted ${h.wanted()}, in use ${h.used()}<#if h.requested()?has_content>, requested ${h.requested()}</#if>" data-quota="${h.quota()}" data-region="${h.region()}">
    <#if h.appliedPct() gte 0><span class="applied" style="width:${h.appliedPct()?c}%"></span></#if>
    <#if h.shortfall()><span class="missing" style="left:${h.appliedPct()?c}%;width:${(h.wantedPct() - h.appliedPct())?c}%"></span></#if>
    <#if h.usedPct() gte 0><span class="used" style="width:${h.usedPct()?c}%"></span></#if>
    <span class="wanted" style="left:${h.wantedPct()?c}%" title="wanted ${h.wanted()}"></span>
    <#if h.requestedPct() gte 0><span class="requested" style="left:${h.requestedPct()?c}%" title="requested ${h.requested()}"></span></#if>
  </span>
  <span class="<#if h.shortfall()>FAILED<#else>OK</#if>">applied ${h.applied()} · wanted ${h.wanted()}<#if h.requested()?has_content> · requested ${h.requested()}</#if><br><span class="reason">${h.headroom()} · in use ${h.used()}</span></span>
</#list>
</div>
</#if>
<h2>Decisions</h2>
<table id="rows">
<thead><tr><th>Account</th><th>Region</th><th>Quota</th><th>Applied</th><th>Wanted</th><th>Open request</th><th>Action</th></tr></thead>
<tbody>
<#list rows as r>
<tr class="${r.status()}">
<td>${r.account()}</td><td>${r.region()}</td>
<td><#if r.quota()?has_content><code>${r.quota()}</code><br>${r.quotaName()}</#if></td>
<td class="num">${r.applied()}</td>
<td class="num"><#if r.verb() != "account-failed">${r.wanted()?c}</#if></td>
<td>${r.openRequest()}</td>
<td><strong>${r.status()}</strong> ${r.verb()} ${r.detail()!""}<div class="reason">${r.reason()!""}</div></td>
</tr>
</#list>
</tbody>
</table>
<@l.attention items=warnings/>
</@l.page>
