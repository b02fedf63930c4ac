package org.iommufdsim.properties.suites.guests;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.Program;
import org.junit.jupiter.api.Test;

/**
 * Proves that the strict variant of the {@code vtd-prq} property (one known QEMU finding no
 * longer tolerated) finds that finding from a fixed seed range within a bounded number of
 * tries, under the finding's label, and shrinks it to a small program.
 */
class VtdPrqFindingsTest {
  static Program.Run findsIt(Finding f, int maxTries, int maxShrunkSteps) {
    return GuestFindings.findsIt("vtd-prq",
        tolerated -> new VtdPrqMachine("vtd-prq-strict-" + f.name(), tolerated), f, maxTries, maxShrunkSteps);
  }

  @Test
  void staleCookie_lateAnswerHitsAnotherGroup() {
    Program.Run s = findsIt(Finding.STALE_PRQ_COOKIE, 3000, 12);
    assertThat(s.steps()).extracting(Program.Step::action).contains("device-page-request",
        "guest-page-response");
  }

  @Test
  void staleList_lateAnswerIsWrittenToFdMinusOne() {
    Program.Run s = findsIt(Finding.STALE_PRQ_WRITE_WITHOUT_QUEUE, 200, 8);
    assertThat(s.steps().getLast().action()).isEqualTo("guest-page-response");
  }

  @Test
  void staleList_survivesTheFaultQueue() {
    Program.Run s = findsIt(Finding.STALE_PRQ_LIST, 100, 8);
    assertThat(s.steps()).extracting(Program.Step::action).contains("device-page-request");
  }

  @Test
  void failedAttach_staysCached() {
    Program.Run s = findsIt(Finding.FAILED_ATTACH_STAYS_CACHED, 50, 3);
    assertThat(s.steps().getLast().action()).isIn("pasid-cache-sync", "fail-nth-sync",
        "guest-updates-pasid");
  }

  @Test
  void deletePc_forgetsAnEntryWhoseDetachFailed() {
    Program.Run s = findsIt(Finding.DELETE_PC_FORGETS_ATTACHED, 1500, 8);
    assertThat(s.steps()).extracting(Program.Step::description)
        .anyMatch(d -> d.contains("DMAR=false"));
  }

  @Test
  void responseFailureCode_isPassedThroughAndRefused() {
    Program.Run s = findsIt(Finding.RESPONSE_FAILURE_CODE_PASSED_THROUGH, 200, 6);
    assertThat(s.steps().getLast().description()).endsWith("with code 15");
  }

  @Test
  void attachUndoneAfterCopyBackFault_leavesTheDeviceDetached_whileQemuKeepsTheOldHwpt() {
    Program.Run s = findsIt(Finding.ATTACH_UNDONE_LEAVES_DETACHED, 1500, 6);
    assertThat(s.steps()).extracting(Program.Step::action).contains("fail-nth-sync");
  }
}
