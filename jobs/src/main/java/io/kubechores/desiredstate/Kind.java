package io.kubechores.desiredstate;

import java.util.Arrays;
import java.util.Optional;

/** The document kinds of the desired-state repo (DESIGN §3), each with its JSON Schema and spec record. */
public enum Kind {
    FLEET("Fleet", "fleet.schema.json", FleetSpec.class),
    CLUSTER("Cluster", "cluster.schema.json", ClusterSpec.class),
    DOWNSCALE_POLICY("DownscalePolicy", "downscalepolicy.schema.json", DownscalePolicySpec.class),
    RIGHTSIZE_POLICY("RightsizePolicy", "rightsizepolicy.schema.json", RightsizePolicySpec.class),
    QUOTA_POLICY("QuotaPolicy", "quotapolicy.schema.json", QuotaPolicySpec.class),
    CERTIFICATE_POLICY("CertificatePolicy", "certificatepolicy.schema.json", CertificatePolicySpec.class),
    TOOL("Tool", "tool.schema.json", ToolSpec.class);

    public static final String API_VERSION = "kubechores.io/v1alpha1";

    private final String kindName;
    private final String schemaFile;
    private final Class<?> specType;

    Kind(String kindName, String schemaFile, Class<?> specType) {
        this.kindName = kindName;
        this.schemaFile = schemaFile;
        this.specType = specType;
    }

    public String kindName() { return kindName; }
    public String schemaFile() { return schemaFile; }
    public Class<?> specType() { return specType; }

    public static Optional<Kind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.kindName.equals(name)).findFirst();
    }
}
