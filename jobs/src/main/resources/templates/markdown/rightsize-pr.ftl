<#-- Right-sizing PR body. Model built by io.kubechores.rightsize.PullRequestDrafts; the proposal marker is appended after it. -->
## Right-sizing: ${group}

kubechores rolled up the VPA recommendations of **${workloadCount}** workload<#if workloadCount != 1>s</#if> on **${clusterCount}** cluster<#if clusterCount != 1>s</#if> (RightsizePolicy `${policy}`, one PR per ${grouping}) and proposes these container resources.

**Estimated monthly cost change: ${cost}**

**Run report:** ${report}
<#if added?has_content>

**Resources blocks added** (the source only had a placeholder such as `resources: {}`; a minimal block was written at the file's indentation):
<#list added as a>
- ${a}
</#list>
</#if>
<#if staleComments?has_content>

**Check these comments:** they sit on edited lines and were kept as they are, but may describe the old value and now be stale:
<#list staleComments as c>
- ${c}
</#list>
</#if>

<#list containers as c>
### `${c.container}` in `${c.file}` (${c.shape}: ${c.block})

| field | current | proposed | change |
|---|---|---|---|
<#list c.changes as ch>
| ${ch.field} | ${ch.from} | **${ch.to}** | ${ch.percent} |
</#list>

Estimated monthly cost change: ${c.cost}
<#if c.notes?size gt 0>

<#list c.notes as n>
- ${n}
</#list>
</#if>

<details><summary>VPA evidence (${c.evidenceCount} workload<#if c.evidenceCount != 1>s</#if>)</summary>

| cluster | workload | replicas | cpu target (lower–upper) | memory target (lower–upper) | HPA | VPA observing since |
|---|---|---|---|---|---|---|
<#list c.evidence as e>
| ${e.cluster} | ${e.workload} | ${e.replicas} | ${e.cpu} | ${e.memory} | ${e.hpa} | ${e.observedSince} |
</#list>
<#if c.evidenceHidden gt 0>

…and ${c.evidenceHidden} more (see the job's rightsize-report.json).
</#if>

</details>

</#list>
### VPA observation age per cluster

| cluster | VPAs | observed (youngest VPA) |
|---|---|---|
<#list observationAges as a>
| ${a.cluster} | ${a.vpas} | ${a.age} |
</#list>

### Configuration

| setting | value |
|---|---|
| RightsizePolicy | `${policy}` (rightsizing/ in this repo) |
| schedule | ${schedule} |
| changes per run at most | ${maxChanges} (fleet.yaml `jobs.rightsize.maxChangesPerRun`) |
| rollup / basis / margin | ${rollup} of the VPA ${basis}, +${margin}% |
| skip changes under | ${minChange}% |
| CPU / memory request bounds | ${cpuBounds} / ${memoryBounds} |
| limits | `${limits}` |
| CPU where an HPA scales on CPU utilization | <#if touchCpuWithHpa>sized as if there were no HPA (`touchCpuWithHpa: true`)<#else>sized for the HPA target: request = recommended usage ÷ target utilization, only where the HPA sits at minReplicas or maxReplicas; while it scales, the request stays</#if> |
| memory | never below the peak working set or the last OOMKilled limit; JVM containers (heap flags): `${jvmMemory}` |
| wait until every VPA observed | ${minObservationDays} days |
| open right-sizing PRs at most | ${maxOpenPullRequests}; a closed PR returns only when a value moves more than ${reopenThreshold}% |
| opt a workload out | annotate (or label) it `${optOut}: "false"` |

The run's full report (every workload, skipped rows with reasons, evidence beyond the rows shown) is the job's `rightsize-report.json` / `rightsize-plan.txt`: ${report}.

---
<sub>How: ${rollup} of the VPA ${basis} across every cluster that deploys the same manifest, +${margin}% margin, rounded up (CPU 5m/25m/100m/250m steps, memory 8Mi/32Mi/128Mi/512Mi steps), clamped to the policy's floors and caps; changes under ${minChange}% are skipped; limits policy `${limits}`; where an HPA scales on CPU utilization, CPU follows the HPA rule above; memory rolls up as the max across clusters.
Cost assumption: requests priced at $${cpuPrice} per vCPU-hour and $${memoryPrice} per GiB-hour (AWS m6i on-demand, us-east-1), ${hours} hours a month, times the replicas on every cluster. Close this PR to decline: it is proposed again only when the recommendation moves more than the policy's reopen threshold.</sub>
