package io.kubechores.runner;

import io.kubechores.platform.Platform;
import io.kubechores.runner.DesiredStateSource.Loaded;

import java.time.Clock;

/** Builds the adapters for one run (real ones by default, simulated ones in the demo). */
public interface PlatformProvider {
    Platform platform(Loaded loaded, Clock clock);
}
