package org.iommufdsim.backend.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that events the SMMU driver model raises for a device (its {@code reportEvent} hook)
 * reach the guest SMMU model through QEMU's vEVENTQ read handler with the guest's vSID in place
 * of the host StreamID, and that the handler's overflow, sequence-gap and read-failure paths
 * report as QEMU does ({@code error_report_once}), resetting sequence tracking on overflow.
 */
class SmmuAccelEventTest {
  @RegisterExtension final SmmuSim sim = new SmmuSim();

  private static final long S1 = 1 | (5L << 1) | 0x1000;

  @BeforeEach
  void guestWithTranslatingDevice() {
    sim.plug("smmu0", 0x8);
    sim.guest.writeCr0(GuestSmmu.CR0_SMMUEN | GuestSmmu.CR0_EVENTQEN | GuestSmmu.CR0_CMDQEN);
    sim.guest.writeSte(0x8, S1, 0);
    assertThat(sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0))
        .isEqualTo(GuestSmmu.CmdError.NONE);
    sim.mark();
  }

  @Test
  void translationFault_reachesTheGuestWithTheVsid() {
    assertThat(sim.translationFault("smmu0", 0x5000)).isEqualTo("queued");
    assertThat(sim.mainLoop.mainLoopWait()).isEqualTo(1);
    List<long[]> evts = sim.guest.consumeEvents();
    assertThat(evts).hasSize(1);
    assertThat(evts.get(0)).containsExactly(0x10L | (0x8L << 32), 1L << 35, 0x5000L, 0L);
    assertThat(sim.calls()).containsExactly(
        "poll([{fd=5, events=POLLIN}], 1, 0) = 1",
        "read(5, 0x100000000000, 40) = 40",
        "poll([{fd=5, events=POLLIN}], 1, 0) = 0");
    assertThat(sim.traced()).containsExactly("smmuv3_propagate_event SMMU_EVT_F_TRANSLATION sid=0x8");
    assertThat(sim.guest.evtqIrqs).isEqualTo(1);
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void overflow_isReportedOnce_andResetsSequenceTracking() {
    for (int i = 0; i < 18; i++) {
      assertThat(sim.translationFault("smmu0", 0x1000L * i)).isEqualTo("queued");
    }
    // 16 events, then the header-only lost-events record
    assertThat(sim.mainLoop.mainLoopWait()).isEqualTo(17);
    assertThat(sim.calls()).filteredOn(c -> c.startsWith("read("))
        .hasSize(17).last().isEqualTo("read(5, 0x100000000000, 40) = 8");
    assertThat(sim.stderr()).containsExactly("vEVENTQ(type 1 id 7): overflowed");
    assertThat(sim.accel.veventq.eventStart).isFalse();
    assertThat(sim.guest.consumeEvents()).hasSize(16);

    // after the overflow the next sequence number (18) is not a "gap"; a second overflow is
    // not reported again (error_report_once)
    sim.mark();
    for (int i = 0; i < 17; i++) {
      sim.translationFault("smmu0", 0);
    }
    sim.mainLoop.mainLoopWait();
    assertThat(sim.accel.veventq.lastEventSeq).isEqualTo(33);
    assertThat(sim.stderr()).isEmpty();
  }

  @Test
  void sequenceGap_isReportedAsLostEvents() {
    for (int i = 0; i < 17; i++) {
      sim.translationFault("smmu0", 0x1000L * i); // 16 queued + the lost marker (seq 16)
    }
    sim.accel.smmuv3AccelEventRead(); // one event read: room for one more
    assertThat(sim.guest.consumeEvents()).hasSize(1);
    sim.translationFault("smmu0", 0x99000); // replaces the marker: seq 17
    sim.mainLoop.mainLoopWait();
    assertThat(sim.stderr()).containsExactly("vEVENTQ(type 1 id 7): lost 1 event(s)");
    List<long[]> evts = sim.guest.consumeEvents();
    assertThat(evts).hasSize(16);
    assertThat(evts.get(15)[2]).isEqualTo(0x99000L);
  }

  @Test
  void guestEventQueueFullOrDisabled_setsGerrorEventqAbt() {
    for (int i = 0; i < 16; i++) {
      sim.translationFault("smmu0", 0);
    }
    sim.mainLoop.mainLoopWait();
    assertThat(sim.guest.gerror).isZero();
    sim.translationFault("smmu0", 0); // the guest has not consumed: its queue is full
    sim.mainLoop.mainLoopWait();
    assertThat(sim.guest.gerror).isEqualTo(GuestSmmu.GERROR_EVENTQ_ABT_ERR);
    assertThat(sim.guest.pendingEvents()).isEqualTo(16);
  }

  @Test
  void readReturningZero_inspectsAStaleErrno_qemuHazard() {
    // Nothing queued: read() returns 0 and leaves errno alone. QEMU still looks at errno,
    // whose last value here is the EMSGSIZE of the IOVA_RANGES probe made at plug time.
    sim.accel.smmuv3AccelEventRead();
    assertThat(sim.calls()).containsExactly("read(5, 0x100000000000, 40) = 0");
    assertThat(sim.stderr())
        .containsExactly("vEVENTQ(type 1 id 7): read failed (Message too long)");
  }

  @Test
  void noEventWithoutAVdevicedTranslatingSte_andNoVeventqWhileTheGuestQueueIsOff() {
    sim.guest.writeSte(0x8, 1 | (4L << 1), 0);
    sim.guest.cmdqConsume(GuestSmmu.CMD_CFGI_STE | (0x8L << 32), 0);
    // bypass nested HWPT with a vdevice: the model still routes the event (vmaster set)
    assertThat(sim.translationFault("smmu0", 0)).isEqualTo("queued");
    assertThat(sim.translationFault("smmu1", 0)).as("unplugged device").isEqualTo("EOPNOTSUPP");
    sim.mainLoop.mainLoopWait();
    assertThat(sim.guest.consumeEvents()).hasSize(1);
  }
}
