package org.iommufdsim.scenarios.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.HostConfig;
import org.junit.jupiter.api.Test;

/**
 * Transcripts are what {@code iommufd-sim fmt} prints, also for the cases the library does not
 * reach: a note after the directives, a title that needs escaping, long steps.
 */
class CanonicalFormTest {

  @Test
  void transcriptWithNoteAndEscapedTitle_isCanonical() {
    Host host = Host.create(HostConfig.defaults().withCapSysResource(false).withPageSize(16384)
        .withDevices(List.of(DeviceSpec.of("dev0", "mock", Map.of("pasid_bits", "20")))));
    RecordingSyscalls sys = new RecordingSyscalls(host.spawn());
    int fd = (int) sys.open("/dev/iommu").value();
    sys.ioctl(fd, 0x3b7f, 0);
    sys.close(fd);

    String text = ScnTranscript.render("a \"quoted\" \\ title", host.config(), sys);

    assertThat(Formatter.format(Scn.parse(text))).isEqualTo(text);
    assertThat(text).startsWith("@title \"a \\\"quoted\\\" \\\\ title\"\n@page_size 16384\n"
        + "@device dev0 driver=mock pasid_bits=20\n\n# the host ran without CAP_SYS_RESOURCE");
    assertThat(text).contains("$fd3: ioctl request=0x3b7f arg=0 -> ENOTTY\n");
  }
}
