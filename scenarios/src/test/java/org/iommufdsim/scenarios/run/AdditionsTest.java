package org.iommufdsim.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The additions to the format ({@code scenarios/README.md}): {@code arg=VALUE} on an ioctl with
 * a struct, the raw {@code ioctl request=N [arg=VALUE]} call, and {@code allowed_iovas_buffer=N}
 * on {@code IOMMU_IOAS_IOVA_RANGES}. What the runner passes is checked against a stand-in
 * kernel; what the simulator answers, and the mistakes that are file errors, on the real one.
 */
class AdditionsTest {

  private static final String IOAS = "IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n";
  private static final long UNKNOWN_NR = (IommufdUapi.IOMMUFD_TYPE << 8)
      | (IommufdUapi.IOMMUFD_CMD_BASE - 1);

  private static String record(String text) {
    Scenario s = Scn.parse(text);
    RunReport r = Runner.run(s, false);
    assertThat(r).as("%s", r).isInstanceOf(RunReport.Finished.class);
    return Formatter.format(Recorder.record(s, r.steps()));
  }

  /** What the runner lays out and passes, seen from a stand-in kernel. */
  @Nested
  class WhatIsPassed {
    private final FakeKernel k = new FakeKernel();
    private final Machine m = new Machine(k, new Env(k.pageSize()));

    {
      m.scratch.start();
      m.env.bind(Env.IOMMUFD, k.open("/dev/iommu").value());
    }

    private StepRun runOk(String text) {
      List<StepRun> runs = Scn.parse(text).steps().stream().map(st -> Runner.step(m, st))
          .toList();
      runs.forEach(r -> assertThat(r.mismatches()).as(r.step().toString()).isEmpty());
      return runs.getLast();
    }

    @Test
    void argOnAStructIoctl_isPassedAsThePointer_andNoStructIsLaidOut() {
      k.ioctl = (mem, fd, req, arg, count) -> SysResult.ok();
      long mmapsBefore = k.calls().stream().filter(c -> c.name().equals("mmap")).count();
      StepRun r = runOk("IOMMU_DESTROY arg=0\nIOMMU_IOAS_ALLOC arg=0xffffffffffff0000\n");
      assertThat(k.last("ioctl").request()).isEqualTo(IommufdUapi.IOMMU_IOAS_ALLOC.request());
      assertThat(k.last("ioctl").arg()).isEqualTo(0xffffffffffff0000L);
      assertThat(k.calls().stream().filter(c -> c.name().equals("mmap")).count())
          .isEqualTo(mmapsBefore);
      assertThat(r.answer().observed().all()).isEmpty();
    }

    @Test
    void argTakesAnyExpression() {
      runOk("mmap length=PAGE_SIZE -> ok addr=$p\nIOMMU_DESTROY arg=$p+8\n");
      assertThat(k.last("ioctl").arg()).isEqualTo(m.env.get("p").orElseThrow() + 8);
    }

    @Test
    void rawIoctl_withoutArg_passesAFreshZeroedBuffer() {
      k.ioctl = (mem, fd, req, arg, count) -> {
        assertThat(mem.isMapped(arg, SysCalls.RAW_IOCTL_BUFFER)).isTrue();
        assertThat(mem.load(arg, (int) SysCalls.RAW_IOCTL_BUFFER)).containsOnly(0);
        mem.store(arg, new byte[] {1, 2, 3});
        return SysResult.ok();
      };
      runOk("ioctl request=0x3b7f\nioctl request=(IOMMUFD_TYPE*256)|(IOMMUFD_CMD_BASE-1)\n");
      List<FakeKernel.Call> two = k.calls().stream().filter(c -> c.name().equals("ioctl"))
          .toList();
      assertThat(two).extracting(FakeKernel.Call::request).containsExactly(0x3b7fL, UNKNOWN_NR);
      assertThat(two.get(1).arg()).isNotEqualTo(two.get(0).arg());
    }

    @Test
    void rawIoctl_withArg_passesItAsIs_toTheTarget() {
      k.ioctl = (mem, fd, req, arg, count) -> SysResult.ok(arg == 7 ? 5 : 0);
      StepRun r = runOk("open \"/dev/iommu\" -> ok fd=$f\n$f: ioctl request=0x3b80 arg=7 -> ok ret=5\n");
      assertThat(k.last("ioctl").fd()).isEqualTo(4);
      assertThat(k.last("ioctl").arg()).isEqualTo(7);
      assertThat(r.answer().observed().outputs()).extracting(Observation::name)
          .containsExactly("ret");
    }

    @Test
    void rangesBuffer_isLargerThanTheCapacity_andEveryEntryIsNamed() {
      CStruct s = IommufdUapi.iommu_ioas_iova_ranges;
      k.ioctl = (mem, fd, req, arg, count) -> {
        byte[] b = mem.load(arg, s.size());
        assertThat(s.field("num_iovas").get(b)).isEqualTo(1);
        long ranges = s.field("allowed_iovas").get(b);
        assertThat(mem.isMapped(ranges, 3 * 16)).isTrue();
        assertThat(mem.load(ranges, 3 * 16)).containsOnly(0);
        mem.store64(ranges + 8, 0xfff);
        writeField(mem, arg, s, "num_iovas", 2);
        return SysResult.ok();
      };
      StepRun r = runOk("IOMMU_IOAS_IOVA_RANGES ioas_id=1 num_iovas=1 allowed_iovas_buffer=3 \\\n"
          + "    -> ok allowed_iovas[0].last=0xfff allowed_iovas[2].start=0 allowed_iovas[2].last=0\n");
      assertThat(r.answer().observed().find("allowed_iovas[3].start")).isEmpty();
      assertThat(r.answer().observed().outputs()).extracting(Observation::name)
          .containsExactly("num_iovas", "out_iova_alignment", "allowed_iovas[0].last");
    }

    @Test
    void rangesBuffer_impliesTheCapacityUnlessNumIovasIsNamed() {
      CStruct s = IommufdUapi.iommu_ioas_iova_ranges;
      runOk("IOMMU_IOAS_IOVA_RANGES ioas_id=1 allowed_iovas_buffer=5\n");
      byte[] b = k.memory().load(k.last("ioctl").arg(), s.size());
      assertThat(s.field("num_iovas").get(b)).isEqualTo(5);
      assertThat(s.field("allowed_iovas").get(b)).isNotZero();
      runOk("IOMMU_IOAS_IOVA_RANGES ioas_id=1 num_iovas=0 allowed_iovas_buffer=5\n");
      b = k.memory().load(k.last("ioctl").arg(), s.size());
      assertThat(s.field("num_iovas").get(b)).isZero();
      assertThat(s.field("allowed_iovas").get(b)).isNotZero();
    }
  }

  /** What the simulator answers. */
  @Nested
  class OnTheSimulator {
    @Test
    void nullOrWildArgument_isEfault() {
      RunnerTest.assertPasses("""
          IOMMU_DESTROY arg=0 -> EFAULT
          IOMMU_IOAS_ALLOC arg=0xffffffffffff0000 -> EFAULT
          IOMMU_TEST_CMD arg=0 -> EFAULT
          """);
    }

    @Test
    void argPointingAtZeroedMemory_isReadAsAStructOfSizeZero() {
      RunnerTest.assertPasses("""
          mmap length=PAGE_SIZE -> ok addr=$page
          IOMMU_IOAS_ALLOC arg=$page -> EINVAL
          """);
    }

    @Test
    void unknownRequestNumber_isEnotty_onAnyIommufd() {
      RunnerTest.assertPasses("""
          ioctl request=0x3b7f -> ENOTTY
          ioctl request=(IOMMUFD_TYPE*256)|(IOMMUFD_CMD_BASE-1) -> ENOTTY
          open "/dev/iommu" -> ok fd=$other
          $other: ioctl request=0x3b7f arg=0 -> ENOTTY
          """);
    }

    @Test
    void knownRequestNumber_readsTheZeroedBufferOrFaultsOnNull() {
      RunnerTest.assertPasses("""
          ioctl request=(IOMMUFD_TYPE*256)|IOMMUFD_CMD_IOAS_ALLOC -> EINVAL
          ioctl request=(IOMMUFD_TYPE*256)|IOMMUFD_CMD_IOAS_ALLOC arg=0 -> EFAULT
          IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
          """);
    }

    @Test
    void entriesPastTheCapacity_stayZero() {
      RunnerTest.assertPasses(IOAS + """
          IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=PAGE_SIZE length=PAGE_SIZE
          IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=0 allowed_iovas_buffer=2 -> EMSGSIZE \\
              num_iovas=2 allowed_iovas[0].start=0 allowed_iovas[0].last=0 allowed_iovas[1].last=0
          IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=1 allowed_iovas_buffer=4096 -> EMSGSIZE \\
              num_iovas=2 allowed_iovas[0].last=PAGE_SIZE-1 allowed_iovas[1].start=0 \\
              allowed_iovas[1].last=0 allowed_iovas[4095].last=0
          IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas allowed_iovas_buffer=3 -> ok num_iovas=2 \\
              allowed_iovas[1].start=2*PAGE_SIZE allowed_iovas[1].last=UINT64_MAX \\
              allowed_iovas[2].start=0 allowed_iovas[2].last=0
          """);
    }

    @Test
    void record_keepsTheAdditions_andItsOutputPassesCheck() {
      String text = IOAS + """
          IOMMU_DESTROY arg=0
          ioctl request=0x3b7f
          IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=0 allowed_iovas_buffer=2
          """;
      String out = record(text);
      assertThat(out).contains("IOMMU_DESTROY arg=0 -> EFAULT\n")
          .contains("ioctl request=0x3b7f -> ENOTTY\n")
          .contains("IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=0 allowed_iovas_buffer=2 "
              + "-> EMSGSIZE num_iovas=1 \\\n    out_iova_alignment=1\n");
      RecorderTest.assertPassesCheck(out);
      assertThat(record(out)).isEqualTo(out);
    }
  }

  /** Mistakes that are errors in the file, with where they are. */
  @Nested
  class FileErrors {
    @Test
    void argWithAStructField_hasNowhereToPutTheField() {
      ScnError e = RunnerTest.fileError("IOMMU_DESTROY arg=0 id=1 -> EFAULT\n");
      assertThat(e).isInstanceOf(ScnError.BadValue.class);
      assertThat(e.pos()).isEqualTo(new Pos(1, 21));
      assertThat(e.reason()).contains("id=").contains("no struct is laid out");
      assertThat(RunnerTest.fileError("IOMMU_IOAS_ALLOC arg=0 trailing=0x00\n").pos())
          .isEqualTo(new Pos(1, 24));
      assertThat(RunnerTest.fileError("IOMMU_IOAS_ALLOC size=12 arg=0\n").pos())
          .isEqualTo(new Pos(1, 18));
    }

    @Test
    void argWithAnOutcomeField_isRefusedAtTheField() {
      ScnError e = RunnerTest.fileError("IOMMU_IOAS_ALLOC arg=0 -> EFAULT out_ioas_id=$x\n");
      assertThat(e.pos()).isEqualTo(new Pos(1, 34));
      assertThat(e.reason()).contains("cannot read out_ioas_id");
      assertThat(RunnerTest.fileError("IOMMU_DESTROY arg=0 -> EFAULT ret=0\n").pos())
          .isEqualTo(new Pos(1, 31));
    }

    @Test
    void argGivenTwice_isRefused() {
      assertThat(RunnerTest.fileError("IOMMU_DESTROY arg=0 arg=1\n").reason())
          .contains("arg is given twice");
    }

    @Test
    void argOnATestOp_isRefused_forItsOpWouldNotBePassed() {
      ScnError e = RunnerTest.fileError(IOAS + "IOMMU_TEST_OP_ADD_RESERVED arg=0 -> EFAULT\n");
      assertThat(e.pos()).isEqualTo(new Pos(2, 28));
      assertThat(e.reason()).contains("IOMMU_TEST_CMD arg=VALUE");
    }

    @Test
    void rawIoctl_needsARequestThatFitsIn32Bits() {
      assertThat(RunnerTest.fileError("ioctl -> ENOTTY\n").reason())
          .contains("ioctl needs request=");
      ScnError wide = RunnerTest.fileError("ioctl request=0x100003b7f\n");
      assertThat(wide.pos()).isEqualTo(new Pos(1, 15));
      assertThat(wide.reason()).contains("32 bits");
      assertThat(RunnerTest.fileError("ioctl request=1 size=8\n").pos())
          .isEqualTo(new Pos(1, 17));
      assertThat(RunnerTest.fileError("ioctl \"x\" request=1\n").pos()).isEqualTo(new Pos(1, 7));
    }

    @Test
    void rangesBuffer_smallerThanTheCapacity_isRefused() {
      ScnError e = RunnerTest.fileError(
          "IOMMU_IOAS_IOVA_RANGES num_iovas=3 allowed_iovas_buffer=2\n");
      assertThat(e.pos()).isEqualTo(new Pos(1, 57));
      assertThat(e.reason()).contains("smaller than num_iovas=3");
    }

    @Test
    void rangesBuffer_withAPointer_isRefused() {
      ScnError e = RunnerTest.fileError(
          "IOMMU_IOAS_IOVA_RANGES allowed_iovas=0 allowed_iovas_buffer=2\n");
      assertThat(e.pos()).isEqualTo(new Pos(1, 40));
      assertThat(e.reason()).contains("not both");
    }

    @Test
    void rangesBuffer_beyondWhatTheRunnerReadsBack_isRefused() {
      assertThat(RunnerTest.fileError("IOMMU_IOAS_IOVA_RANGES allowed_iovas_buffer=65537\n")
          .reason()).contains("at most 65536");
    }

    @Test
    void entryPastTheBuffer_isNoOutcomeField() {
      ScnError e = RunnerTest.fileError(IOAS + "IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas "
          + "allowed_iovas_buffer=2 -> ok allowed_iovas[2].start=0\n");
      assertThat(e).isInstanceOf(ScnError.Unknown.class);
      assertThat(e.reason()).contains("no outcome field allowed_iovas[2].start");
    }

    @Test
    void rangesBufferOnAnotherIoctl_isAnUnknownField() {
      ScnError e = RunnerTest.fileError("IOMMU_IOAS_ALLOW_IOVAS allowed_iovas_buffer=2\n");
      assertThat(e).isInstanceOf(ScnError.Unknown.class);
    }
  }

  private static void writeField(UserMemory mem, long addr, CStruct s, String field, long v) {
    byte[] b = mem.load(addr, s.size());
    s.field(field).set(b, v);
    mem.store(addr, b);
  }
}
