package io.kubechores.cli;

import io.kubechores.runner.K8sRenderer;
import io.kubechores.runner.schedule.InvalidSchedulesException;
import io.kubechores.runner.schedule.JobSchedule;
import io.kubechores.runner.schedule.ScheduleLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** kubechores render-k8s: CronJobs (and the kustomization) from schedules/. */
@Command(name = "render-k8s", mixinStandardHelpOptions = true,
        description = "Render the kustomize base (CronJobs from schedules/, kustomization.yaml, RBAC, runner) into a folder. "
                + "The committed k8s/ must equal this output (a test checks it).",
        footer = {"", "Examples:", "  kubechores render-k8s --schedules schedules --out k8s --chart charts/kubechores",
                "  kubechores render-k8s --image ghcr.io/acme/kubechores --tag 0.1.0 --out /tmp/k8s && kubectl apply -k /tmp/k8s"})
public class RenderK8sCommand implements Callable<Integer> {
    @Option(names = "--schedules", paramLabel = "FOLDER", defaultValue = "schedules", description = "Folder of schedule YAMLs (default schedules).")
    Path schedules;

    @Option(names = "--out", paramLabel = "FOLDER", defaultValue = "k8s", description = "Output folder (default k8s).")
    Path out;

    @Option(names = "--image", paramLabel = "REPO", description = "Container image repository.")
    String image;

    @Option(names = "--tag", paramLabel = "TAG", description = "Container image tag.")
    String tag;

    @Option(names = "--chart", paramLabel = "FOLDER",
            description = "Also update the Helm chart's generated parts there (values.yaml schedules block, files/rules.yaml), e.g. charts/kubechores.")
    Path chart;

    @Override
    public Integer call() {
        List<JobSchedule> list;
        try {
            list = new ScheduleLoader().load(schedules);
        } catch (InvalidSchedulesException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        K8sRenderer.Options d = K8sRenderer.Options.DEFAULTS;
        K8sRenderer r = new K8sRenderer(new K8sRenderer.Options(image != null ? image : d.imageName(),
                tag != null ? tag : d.imageTag()));
        List<Path> written = r.write(list, out);
        System.out.println("wrote " + written.size() + " files to " + out + " from " + list.size() + " schedules");
        if (chart != null) {
            if (!java.nio.file.Files.isRegularFile(chart.resolve("Chart.yaml"))) {
                System.err.println("--chart: " + chart + " has no Chart.yaml");
                return 2;
            }
            List<Path> c = io.kubechores.runner.HelmChartRenderer.write(chart, list);
            System.out.println("wrote " + c.size() + " generated files of the chart " + chart);
        }
        return 0;
    }
}
