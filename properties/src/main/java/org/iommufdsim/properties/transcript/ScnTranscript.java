package org.iommufdsim.properties.transcript;

import org.iommufdsim.sim.host.HostConfig;

/** Writes what a {@link RecordingSyscalls} saw as a {@code .scn} scenario. */
public final class ScnTranscript {
  private ScnTranscript() {}

  /**
   * The recorded calls as a scenario for a host built from {@code config}: a {@code @title}, one
   * {@code @device} directive per device, then one step per call with the outcome it had.
   */
  public static String render(String title, HostConfig config, RecordingSyscalls calls) {
    return "@title \"" + title + "\"\n# (transcripts are not written yet)\n";
  }
}
