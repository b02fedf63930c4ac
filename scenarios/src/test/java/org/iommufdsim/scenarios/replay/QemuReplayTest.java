package org.iommufdsim.scenarios.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log in qemu-logs/ replays with the exit status and divergence lines written by hand
 * from the kernel's rules (see each log's header); malformed lines and unreadable files are
 * reported without a stack trace; the replay is deterministic.
 */
class QemuReplayTest {
  static final Path LOGS = Path.of("qemu-logs");
  @TempDir Path dir;

  record Result(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Result r = new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
    assertThat(r.out() + r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    return r;
  }

  static Result replay(String log) {
    return cli("qemu-replay", LOGS.resolve(log).toString());
  }

  /** A copy of library log {@code log} in the temp dir, with each (from, to) pair replaced. */
  private Path edited(String log, String name, String... fromTo) throws IOException {
    String text = Files.readString(LOGS.resolve(log));
    for (int i = 0; i < fromTo.length; i += 2) {
      assertThat(text).contains(fromTo[i]);
      text = text.replace(fromTo[i], fromTo[i + 1]);
    }
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static String at(String log, int line) {
    return LOGS.resolve(log) + ":" + line + ": ";
  }

  @Test
  void theDirectoryHoldsTheLogsThisTestKnows() throws IOException {
    try (Stream<Path> s = Files.list(LOGS)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "README.md", "dirty-rollback-toggles-failed-hwpt.log", "diverge-impossible-errnos.log",
          "diverge-impossible-ids.log", "free-id-only-logged.log", "malformed-lines.log", "port-made.log", "qemu-9.0-old-formats.log",
          "viommu-fixed-labels.log", "viommu-swapped-labels.log");
    }
  }

  @Test
  void portMadeLog_replaysClean() {
    Result r = replay("port-made.log");
    assertThat(r.lines()).containsExactly("22 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void oldFormats_withTimestampsAndOtherOutput_replayClean() {
    Result r = replay("qemu-9.0-old-formats.log");
    assertThat(r.lines()).containsExactly("11 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void viommuSwappedLabels_readAsDevIdFirst() {
    Result r = replay("viommu-swapped-labels.log");
    assertThat(r.lines()).containsExactly("6 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void viommuFixedLabels_faultqAndCdevLines_replayClean() {
    Result r = replay("viommu-fixed-labels.log");
    assertThat(r.lines()).containsExactly("10 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void dirtyRollback_failedHwptIsToggledTwice_andTheKernelAnswersEnoentBothTimes()
      throws IOException {
    Result r = replay("dirty-rollback-toggles-failed-hwpt.log");
    assertThat(r.lines()).containsExactly("12 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();

    // had the rollback's second call on the stale hwpt "worked", the kernel would disagree
    Path p = edited("dirty-rollback-toggles-failed-hwpt.log", "rollback-ok.log",
        "hwpt=99 enable=0 (2)", "hwpt=99 enable=0 (0)");
    Result claimed = cli("qemu-replay", p.toString());
    assertThat(claimed.lines()).containsExactly(
        p + ":21: iommufd_backend_set_dirty: log (0), simulator (2 ENOENT)",
        "12 calls recognised, 1 divergence, 0 malformed lines");
    assertThat(claimed.code()).isEqualTo(1);
  }

  @Test
  void freeIdOnlyLogged_refusedDestroysReplayAsTheKernelsEbusyAndEnoent() throws IOException {
    Result r = replay("free-id-only-logged.log");
    assertThat(r.lines()).containsExactly("7 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();

    // The same log claiming both frees worked: the simulator says why each one cannot have.
    Path p = edited("free-id-only-logged.log", "free-ok.log", "id=2 (-1)", "id=2 (0)",
        "id=-2 (-1)", "id=-2 (0)");
    Result claimed = cli("qemu-replay", p.toString());
    assertThat(claimed.lines()).containsExactly(
        p + ":14: iommufd_backend_free_id: log (0), simulator (-1) EBUSY",
        p + ":15: iommufd_backend_free_id: log (0), simulator (-1) ENOENT",
        "7 calls recognised, 2 divergences, 0 malformed lines");
    assertThat(claimed.code()).isEqualTo(1);
  }

  @Test
  void impossibleIds_eachReportedOnce() {
    String f = "diverge-impossible-ids.log";
    Result r = replay(f);
    assertThat(r.lines()).containsExactly(
        at(f, 10) + "iommufd_backend_alloc_ioas: log ioas=0, simulator ioas=2",
        at(f, 13) + "iommufd_backend_alloc_faultq: log fault_id=2, simulator fault_id=4",
        "6 calls recognised, 2 divergences, 0 malformed lines");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void impossibleErrnos_reportedWithBothAnswers() {
    String f = "diverge-impossible-errnos.log";
    Result r = replay(f);
    assertThat(r.lines()).containsExactly(
        at(f, 14) + "iommufd_backend_set_dirty: log (95 EOPNOTSUPP), simulator (0)",
        at(f, 15) + "iommufd_backend_get_dirty_bitmap: log (12 ENOMEM), simulator (0)",
        at(f, 16) + "iommufd_backend_invalidate_cache: log done_num=0 (95 EOPNOTSUPP), "
            + "simulator done_num=0 (22 EINVAL)",
        at(f, 17) + "iommufd_backend_unmap_dma: log (-1), simulator (0)",
        at(f, 19) + "iommufd_backend_free_id: log (-1), simulator (0)",
        "10 calls recognised, 5 divergences, 0 malformed lines");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void malformedLines_reportedAndSkipped() {
    String f = "malformed-lines.log";
    Result r = replay(f);
    assertThat(r.lines()).containsExactly(
        at(f, 10) + "malformed: iommufd_backend_map_dma: no ioas= field",
        at(f, 11) + "malformed: iommufd_backend_frobnicate: unknown event",
        at(f, 12) + "malformed: iommufd_backend_free_id: id=zz is not a number",
        at(f, 13) + "malformed: iommufd_backend_free_id: no trailing (ret)",
        at(f, 14) + "malformed: iommufd_cdev_connect_and_bind: not QEMU's text for this event",
        "3 calls recognised, 0 divergences, 5 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void unmapOfAPartialArea_isNonExistNotSuccess() throws IOException {
    // the kernel never splits an area: cutting through one is ENOENT, which QEMU traces as
    // non_exist; a log claiming a plain successful unmap diverges
    Path p = dir.resolve("partial.log");
    Files.write(p, List.of(
        "iommufd_backend_alloc_ioas  iommufd=3 ioas=1",
        "iommufd_backend_map_dma  iommufd=3 ioas=1 iova=0x1000000 size=0x100000 addr=0x7f0000000000 readonly=0 (0)",
        "iommufd_backend_unmap_dma  iommufd=3 ioas=1 iova=0x1000000 size=0x80000 (0)"));
    Result r = cli("qemu-replay", p.toString());
    assertThat(r.lines()).containsExactly(
        p + ":3: iommufd_backend_unmap_dma: log iommufd_backend_unmap_dma (0), simulator "
            + "iommufd_backend_unmap_dma_non_exist (-1) ENOENT",
        "3 calls recognised, 1 divergence, 0 malformed lines");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void emptyOrForeignLog_recognisesNothingAndPasses() throws IOException {
    Path p = dir.resolve("foreign.log");
    Files.write(p, List.of("vfio_region_setup  something", "", "random text (0)"));
    Result r = cli("qemu-replay", p.toString());
    assertThat(r.lines()).containsExactly("0 calls recognised, 0 divergences, 0 malformed lines");
    assertThat(r.code()).isZero();
  }

  @Test
  void absurdArguments_areReplayedOrReportedButNeverCrash() throws IOException {
    Path p = dir.resolve("absurd.log");
    Files.write(p, List.of(
        "iommufd_backend_alloc_ioas  iommufd=3 ioas=1",
        "iommufd_backend_map_dma  iommufd=3 ioas=1 iova=0x0 size=0xffffffffffffffff addr=0x7f0000000000 readonly=0 (0)",
        "iommufd_backend_get_dirty_bitmap  iommufd=3 hwpt=9 iova=0x0 size=0xffffffffffffffff flags=0x0 page_size=0x0 (2)",
        "iommufd_backend_invalidate_cache  iommufd=3 id=9 data_type=1 entry_len=4294967295 entry_num=4294967295 done_num=0 data_ptr=0x0 (2)",
        "iommufd_backend_alloc_hwpt  iommufd=3 dev_id=1 pt_id=1 flags=0xffffffff hwpt_type=0 len=4294967295 data_ptr=0x0 fault_id=0 out_hwpt=0 (-1)",
        "iommufd_backend_free_id  iommufd=3 id=-1 (-1)",
        "iommufd_backend_disconnect fd=3 users=0",
        "iommufd_backend_disconnect fd=3 users=0"));
    Result r = cli("qemu-replay", p.toString());
    // the device (dev_id=1) is bound first, so the IOAS is 2; IOMMU_IOAS_MAP of 2^64-1 bytes
    // overflows (EOVERFLOW) where the log claims success
    assertThat(r.lines()).containsExactly(
        p + ":1: iommufd_backend_alloc_ioas: log ioas=1, simulator ioas=2",
        p + ":2: iommufd_backend_map_dma: log (0), simulator (-1) EOVERFLOW",
        "8 calls recognised, 2 divergences, 0 malformed lines");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void unreadableFile_exitsTwo() {
    Result missing = cli("qemu-replay", dir.resolve("missing.log").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("missing.log: cannot read it");
    assertThat(missing.out()).isEmpty();
    Result directory = cli("qemu-replay", dir.toString());
    assertThat(directory.code()).isEqualTo(2);
    assertThat(directory.err()).contains("cannot read it");
  }

  @Test
  void deviceOption_choosesTheDriverAndBadChoicesExitTwo() {
    Result ok = cli("qemu-replay", "--device", "0000:00:03.0=mock,pasid_bits=20",
        LOGS.resolve("port-made.log").toString());
    assertThat(ok.code()).isZero();
    Result badSyntax = cli("qemu-replay", "--device", "nodriver",
        LOGS.resolve("port-made.log").toString());
    assertThat(badSyntax.code()).isEqualTo(2);
    Result badDriver = cli("qemu-replay", "--device", "dev1=nosuch",
        LOGS.resolve("viommu-swapped-labels.log").toString());
    assertThat(badDriver.code()).isEqualTo(2);
  }

  @Test
  void replay_isDeterministic() throws IOException {
    try (Stream<Path> s = Files.list(LOGS)) {
      for (Path p : s.filter(x -> x.toString().endsWith(".log")).sorted().toList()) {
        Result a = cli("qemu-replay", p.toString());
        Result b = cli("qemu-replay", p.toString());
        assertThat(b).as(p.toString()).isEqualTo(a);
      }
    }
  }
}
