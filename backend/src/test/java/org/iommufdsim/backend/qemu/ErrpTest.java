package org.iommufdsim.backend.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The {@code Error **errp} model keeps QEMU's rules: {@code error_setg_errno} appends
 * {@code ": strerror"}, an error is set at most once, a NULL errp drops errors and
 * {@code &error_abort} aborts; stderr reports keep QEMU's "warning: " prefix.
 */
class ErrpTest {
  @Test
  void setgErrno_appendsStrerror_zeroErrnoDoesNot() {
    Errp a = Errp.local();
    Errp b = Errp.local();

    a.setgErrno(16, "Failed to free");
    b.setgErrno(0, "plain");

    assertThat(a.pretty()).isEqualTo("Failed to free: Device or resource busy");
    assertThat(a.get().orElseThrow().osErrno()).isEqualTo(16);
    assertThat(b.pretty()).isEqualTo("plain");
  }

  @Test
  void setTwice_isAProgrammingError() {
    Errp e = Errp.local();
    e.setg("first");

    assertThatThrownBy(() -> e.setg("second")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void none_dropsErrors_abortThrows() {
    Errp none = Errp.none();
    none.setg("x");
    none.setg("y");
    assertThat(none.isSet()).isFalse();

    assertThatThrownBy(() -> Errp.abort().setg("boom"))
        .isInstanceOf(IllegalStateException.class).hasMessage("error_abort: boom");
  }

  @Test
  void prependHintPropagateFree() {
    Errp e = Errp.local();
    e.prepend("ignored: ");
    e.setg("msg");
    e.prepend("pre ");
    e.appendHint("hint\n");
    Errp dst = Errp.local();

    e.propagateTo(dst);

    assertThat(e.isSet()).isFalse();
    assertThat(dst.get().orElseThrow()).isEqualTo(new QemuError("pre msg", 0, "hint\n"));
    dst.free();
    assertThat(dst.isSet()).isFalse();
  }

  @Test
  void errorReports_linesAsPrinted() {
    ErrorReports r = new ErrorReports();
    Errp e = Errp.local();
    e.setg("bad");
    e.appendHint("try again\n");

    r.errorReport("Failed to free id: 5 Device or resource busy");
    r.warnReport("IOMMU_IOAS_MAP failed: Bad address, PCI BAR?");
    r.errorReportErr(e);

    assertThat(r.lines()).containsExactly("Failed to free id: 5 Device or resource busy",
        "warning: IOMMU_IOAS_MAP failed: Bad address, PCI BAR?", "bad\n" + "try again\n");
    assertThat(e.isSet()).isFalse();
  }

  @Test
  void cformat_glibcX8664() {
    assertThat(CFormat.format("%d %u %x", 0xffffffffL, 0xffffffffL, 0xffffffffL))
        .isEqualTo("-1 4294967295 ffffffff");
    assertThat(CFormat.format("%p %p %ld %lx %lu %% %s", 0L, 0x1000L, -1L, -1L, -1L, "s"))
        .isEqualTo("(nil) 0x1000 -1 ffffffffffffffff 18446744073709551615 % s");
    assertThatThrownBy(() -> CFormat.format("%d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CFormat.format("%5d", 1L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void monitor_qemuParseFd() {
    assertThat(Monitor.qemuParseFd("12")).isEqualTo(12);
    assertThat(Monitor.qemuParseFd(" 12")).isEqualTo(12);
    assertThat(Monitor.qemuParseFd("12 ")).isEqualTo(-1);
    assertThat(Monitor.qemuParseFd("-3")).isEqualTo(-1);
    assertThat(Monitor.qemuParseFd("")).isEqualTo(-1);
    assertThat(Monitor.qemuParseFd("2147483648")).isEqualTo(-1);
  }
}
