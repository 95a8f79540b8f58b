package io.kubechores.rightsize;

import io.kubechores.model.rightsize.JvmHeapFlags;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which containers count as JVMs with heap flags. Sources of the rules: the JDK's java launcher documentation
 * (JDK_JAVA_OPTIONS is read by the launcher since JDK 9; -Xmx/-Xms, -XX:MaxRAMPercentage and friends size the heap),
 * the JVM TI documentation (JAVA_TOOL_OPTIONS is read by the JVM itself), and JAVA_OPTS as the start-script convention
 * (Tomcat's catalina.sh, most Java base images); what follows {@code -jar <file>} is the application's arguments.
 */
class JvmHeapFlagsTest {
    /** env (NAME=value, | between vars; NAME=@from for valueFrom), command, args (space-separated) → detected or -. */
    @ParameterizedTest(name = "{0} | {1} | {2}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "JAVA_OPTS=-Xmx2g -Dfile.encoding=UTF-8; -; -;                   JAVA_OPTS: -Xmx2g",
            "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75.0; -; -;              JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75.0",
            "JDK_JAVA_OPTIONS=-XX:InitialRAMPercentage=50 -Xss512k; -; -;    JDK_JAVA_OPTIONS: -XX:InitialRAMPercentage=50",
            "JAVA_OPTS=\"-Xms512m -Xmx512m\"; -; -;                          JAVA_OPTS: -Xms512m -Xmx512m",
            "JAVA_OPTS=-XX:MaxHeapSize=1073741824; -; -;                     JAVA_OPTS: -XX:MaxHeapSize=1073741824",
            "JAVA_OPTS=-XX:MaxRAM=4g -XX:MaxRAMFraction=2; -; -;             JAVA_OPTS: -XX:MaxRAM=4g -XX:MaxRAMFraction=2",
            "-; java -Xmx768m -jar /app.jar; -;                              command/args: -Xmx768m",
            "-; java; -XX:MaxRAMPercentage=80 -jar app.jar;                  command/args: -XX:MaxRAMPercentage=80",
            "-; sh -c; java -Xmx1g -jar /app.jar --server.port=8080;         command/args: -Xmx1g",
            "JAVA_OPTS=@from; -; -;                                          JAVA_OPTS: set from valueFrom (not readable here)",
            "JAVA_OPTS=-Xmx1g|JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60; -; -; 'JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=60; JAVA_OPTS: -Xmx1g'",
            // not heap flags / not JVM options
            "JAVA_OPTS=-Xss1m -XX:MaxMetaspaceSize=256m -XX:+UseG1GC; -; -; -",
            "OTHER_OPTS=-Xmx2g; -; -;                                        -",
            "-; java -jar app.jar -Xmx2g; -;                                 -",
            "-; node server.js --max-old-space-size=512; -;                 -",
            "JAVA_OPTS=; -; -;                                               -",
            "-; -; -;                                                        -",
    })
    void detect(String env, String command, String args, String expected) {
        Map<String, String> e = new HashMap<>();
        if (env != null) {
            for (String kv : env.split("\\|")) {
                String[] p = kv.split("=", 2);
                e.put(p[0], "@from".equals(p[1]) ? null : p[1]);
            }
        }
        assertThat(JvmHeapFlags.detect(e, split(command), split(args))).isEqualTo(expected);
    }

    static List<String> split(String s) {
        if (s == null) return List.of();
        // "sh -c" style: the command is split on spaces; args stay one string each only for sh -c
        if (s.startsWith("java -Xmx1g")) return List.of(s);
        return Arrays.asList(s.split(" "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "JAVA_OPTS: -Xmx2g;                                   2147483648",
            "JAVA_OPTS: -Xms512m -Xmx768m;                        805306368",
            "'JAVA_OPTS: -Xmx512m; command/args: -Xmx1g';         1073741824",
            "JAVA_OPTS: -XX:MaxHeapSize=1073741824;               1073741824",
            "JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75.0;        -",
    })
    void maxHeap(String detected, Long bytes) {
        assertThat(JvmHeapFlags.maxHeapBytes(detected)).isEqualTo(bytes);
    }
}
