package org.iommufdsim.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.sim.uapi.Errno;
import org.junit.jupiter.api.Test;

/**
 * The runner drives the real simulator through the system-call surface: structs laid out as a
 * C program would, outcomes checked, variables bound, size and trailing rules applied, and
 * mistakes in the file reported with their line and column.
 */
class RunnerTest {

  static RunReport run(String text) {
    return Runner.run(Scn.parse(text), false);
  }

  static RunReport.Finished finished(String text) {
    RunReport r = run(text);
    assertThat(r).as("%s", r).isInstanceOf(RunReport.Finished.class);
    return (RunReport.Finished) r;
  }

  static void assertPasses(String text) {
    RunReport.Finished f = finished(text);
    List<String> problems = f.steps().stream().flatMap(s -> s.mismatches().stream())
        .map(m -> m.render("t.scn")).toList();
    assertThat(problems).isEmpty();
    assertThat(f.violations()).isEmpty();
  }

  static ScnError fileError(String text) {
    RunReport r = run(text);
    assertThat(r).as("%s", r).isInstanceOf(RunReport.Aborted.class);
    return ((RunReport.Aborted) r).error();
  }

  private static final String IOAS = "IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n";

  @Test
  void ioasAlloc_bindsItsIdAndDestroyFreesIt() {
    assertPasses("""
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
        IOMMU_DESTROY id=$ioas
        IOMMU_DESTROY id=$ioas -> ENOENT
        """);
  }

  @Test
  void ioasAlloc_firstIdIsOne_andTheOutputIsRecorded() {
    RunReport.Finished f = finished("IOMMU_IOAS_ALLOC\n");
    assertThat(f.passed()).isTrue();
    assertThat(f.steps().getFirst().answer().observed().outputs())
        .extracting(o -> o.display() + "=" + o.literal())
        .containsExactly("out_ioas_id=1");
  }

  @Test
  void unexpectedErrno_isAMismatchAtTheStep() {
    RunReport.Finished f = finished("# c\nIOMMU_DESTROY id=42\n");
    Mismatch m = f.steps().getFirst().mismatches().getFirst();
    assertThat(m.pos().line()).isEqualTo(2);
    assertThat(m.expected()).isEqualTo("ok");
    assertThat(m.got()).startsWith("ENOENT");
    assertThat(m.render("f.scn")).startsWith("f.scn:2: expected ok, got ENOENT");
  }

  @Test
  void unexpectedField_isAMismatchNamingBothValues() {
    RunReport.Finished f = finished("IOMMU_IOAS_ALLOC -> ok out_ioas_id=1+6\n");
    Mismatch m = f.steps().getFirst().mismatches().getFirst();
    assertThat(m.expected()).isEqualTo("out_ioas_id=1+6 (7)");
    assertThat(m.got()).isEqualTo("out_ioas_id=1");
  }

  @Test
  void expectedErrnoThatHappens_passes() {
    assertPasses("IOMMU_IOAS_ALLOC flags=1 -> EOPNOTSUPP\n");
  }

  @Test
  void mapThenUnmap_reportsTheIovaAndTheLength() {
    assertPasses(IOAS + """
        mmap length=2*PAGE_SIZE -> ok addr=$buf
        IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_READABLE user_va=$buf \\
            length=2*PAGE_SIZE -> ok iova=$iova
        IOMMU_IOAS_UNMAP ioas_id=$ioas iova=$iova length=2*PAGE_SIZE -> ok length=2*PAGE_SIZE
        IOMMU_IOAS_UNMAP ioas_id=$ioas iova=$iova length=2*PAGE_SIZE -> ENOENT
        """);
  }

  @Test
  void fixedIovaMap_twiceAtTheSameIova_isEexist() {
    assertPasses(IOAS + """
        mmap length=PAGE_SIZE -> ok addr=$buf
        IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_READABLE \\
            user_va=$buf length=PAGE_SIZE iova=0x100000
        IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_FIXED_IOVA|IOMMU_IOAS_MAP_READABLE \\
            user_va=$buf length=PAGE_SIZE iova=0x100000 -> EEXIST
        """);
  }

  @Test
  void iovaRanges_fillsTheBufferItPointsTo() {
    assertPasses(IOAS + "IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=2 -> ok num_iovas=1 \\\n"
        + "    allowed_iovas[0].start=0 allowed_iovas[0].last=UINT64_MAX out_iova_alignment=1\n");
  }

  @Test
  void iovaRanges_tooSmall_isEmsgsizeWithTheCount() {
    assertPasses(IOAS + """
        IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=0x10000 length=0x10000
        IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas -> EMSGSIZE num_iovas=2
        IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=1 -> EMSGSIZE num_iovas=2 \\
            allowed_iovas[0].start=0 allowed_iovas[0].last=0xffff
        IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=2 -> ok allowed_iovas[1].start=0x20000
        """);
  }

  @Test
  void allowIovas_listIsPlacedAndCounted() {
    assertPasses(IOAS + """
        IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas allowed_iovas=[{start=0x40000 last=0x7ffff}]
        mmap length=PAGE_SIZE -> ok addr=$buf
        IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_READABLE user_va=$buf length=PAGE_SIZE \\
            -> ok iova=0x40000
        IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas allowed_iovas=[{start=2 last=1}] -> EINVAL
        """);
  }

  @Test
  void namedPointer_isNotOverwrittenByTheConvenience() {
    assertPasses(IOAS + "IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas num_iovas=1 \\\n"
        + "    allowed_iovas=[{start=0x40000 last=0x7ffff}] -> ok\n"
        + "IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas num_iovas=1 allowed_iovas=8 -> EFAULT\n");
  }

  @Test
  void testOp_setsOpAndTakesBareMemberFields() {
    assertPasses(IOAS + """
        IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=0 length=0 -> EINVAL
        IOMMU_TEST_OP_ADD_RESERVED id=$ioas add_reserved.start=0 add_reserved.length=PAGE_SIZE
        IOMMU_TEST_CMD op=IOMMU_TEST_OP_ADD_RESERVED id=$ioas add_reserved.length=0 -> EINVAL
        """);
  }

  @Test
  void sizeBelowTheMinimum_isEinval() {
    assertPasses("IOMMU_DESTROY size=4 -> EINVAL\n");
  }

  @Test
  void nonZeroTrailingBytes_areE2big_andZeroOnesAreAccepted() {
    assertPasses("""
        IOMMU_IOAS_ALLOC trailing=0x0001 -> E2BIG
        IOMMU_IOAS_ALLOC trailing=0x00000000 -> ok out_ioas_id=1
        """);
  }

  @Test
  void sizeGiven_trailingIsNotCountedAndTheKernelStopsAtSize() {
    assertPasses("IOMMU_IOAS_ALLOC size=12 trailing=0x01 -> ok out_ioas_id=1 size=12\n");
  }

  @Test
  void sizeLargerThanTheStruct_isBackedByZeroes() {
    assertPasses("IOMMU_IOAS_ALLOC size=256 -> ok out_ioas_id=1\n");
  }

  @Test
  void negativeLiteral_isTwosComplementOfTheFieldWidth() {
    assertPasses("""
        IOMMU_DESTROY id=-1 -> ENOENT id=0xffffffff
        IOMMU_IOAS_IOVA_RANGES ioas_id=-1 -> ENOENT ioas_id=-1
        """);
  }

  @Test
  void implicitIommufd_isOpenedBeforeTheFirstStep() {
    assertPasses("""
        memfd_create "m" size=PAGE_SIZE -> ok fd=4
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        """);
  }

  @Test
  void explicitOpenOfIommufd_replacesTheImplicitOne() {
    assertPasses("""
        open "/dev/iommu" -> ok fd=$iommufd
        memfd_create "m" -> ok fd=4
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        """);
  }

  @Test
  void target_sendsTheCallToThatFd() {
    assertPasses("""
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        open "/dev/iommu" -> ok fd=$other
        $other: IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        $other: close
        $other: IOMMU_IOAS_ALLOC -> EBADF
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=2
        """);
  }

  @Test
  void failNth_failsTheNextCallsNthFalliblePoint() {
    assertPasses("""
        fail_nth n=1
        IOMMU_IOAS_ALLOC -> ENOMEM
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        """);
  }

  @Test
  void mapFile_ofAMemfd() {
    assertPasses(IOAS + """
        memfd_create "buf" size=2*PAGE_SIZE -> ok fd=$m
        IOMMU_IOAS_MAP_FILE ioas_id=$ioas flags=IOMMU_IOAS_MAP_READABLE fd=$m length=2*PAGE_SIZE \\
            -> ok iova=$iova
        mmap length=PAGE_SIZE fd=$m offset=PAGE_SIZE -> ok addr=$a
        munmap addr=$a length=PAGE_SIZE
        IOMMU_IOAS_MAP_FILE ioas_id=$ioas flags=IOMMU_IOAS_MAP_READABLE fd=-1 length=PAGE_SIZE \\
            -> EBADF
        """);
  }

  @Test
  void mmapAddresses_areTheSameOnEveryRun() {
    String text = "mmap length=PAGE_SIZE -> ok addr=$a\nmmap length=PAGE_SIZE -> ok addr=$b\n";
    RunReport.Finished one = finished(text);
    RunReport.Finished two = finished(text);
    assertThat(addr(one, 0)).isEqualTo(addr(two, 0));
    assertThat(addr(one, 1)).isEqualTo(addr(two, 1)).isGreaterThan(addr(one, 0));
  }

  private static long addr(RunReport.Finished f, int step) {
    return f.steps().get(step).answer().observed().find("addr").orElseThrow().value();
  }

  @Test
  void pageSizeDirective_setsPageSize() {
    assertPasses("@page_size 16384\n\nmmap length=PAGE_SIZE -> ok addr=$a\n"
        + "munmap addr=$a+4096 length=4096 -> EINVAL\n"
        + "munmap addr=$a length=16384\n");
  }

  @Test
  void bindingOnAFailedStep_bindsWhatTheKernelLeft() {
    RunReport.Finished f = finished("IOMMU_IOAS_ALLOC flags=1 -> EOPNOTSUPP out_ioas_id=$x\n"
        + "IOMMU_DESTROY id=$x -> ENOENT\n");
    assertThat(f.passed()).isTrue();
    assertThat(f.steps().getFirst().answer().result().errno()).isEqualTo(Errno.EOPNOTSUPP);
  }

  // ---- mistakes in the file

  @Test
  void valueTooWideForItsField_isAFileErrorAtTheValue() {
    ScnError e = fileError("IOMMU_DESTROY id=0x100000000\n");
    assertThat(e).isInstanceOf(ScnError.BadValue.class);
    assertThat(e.pos()).isEqualTo(new Pos(1, 18));
    assertThat(e.reason()).contains("too wide for id (4 bytes)");
  }

  @Test
  void unknownField_isAFileErrorAtTheField() {
    ScnError e = fileError("IOMMU_DESTROY ids=1\n");
    assertThat(e).isInstanceOf(ScnError.Unknown.class);
    assertThat(e.pos()).isEqualTo(new Pos(1, 15));
    assertThat(e.reason()).contains("iommu_destroy has no field ids");
  }

  @Test
  void unknownCall_isAFileError() {
    assertThat(fileError("\nIOMMU_FROB\n").pos()).isEqualTo(new Pos(2, 1));
  }

  @Test
  void unknownConstant_isAFileError() {
    assertThat(fileError("IOMMU_DESTROY id=NOPE\n").pos()).isEqualTo(new Pos(1, 18));
  }

  @Test
  void unboundVariable_isAFileError() {
    ScnError e = fileError("IOMMU_DESTROY id=$nope+1\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 18));
    assertThat(e.reason()).contains("$nope is not bound");
  }

  @Test
  void unknownOutcomeField_isAFileError() {
    ScnError e = fileError("IOMMU_IOAS_ALLOC -> ok out_id=$x\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 24));
  }

  @Test
  void stringForAnIntegerField_isAFileError() {
    assertThat(fileError("IOMMU_DESTROY id=\"1\"\n").reason()).contains("takes an integer");
  }

  @Test
  void builtinWithAnUnknownField_isAFileError() {
    assertThat(fileError("mmap len=1\n").pos()).isEqualTo(new Pos(1, 6));
  }

  @Test
  void builtinMissingARequiredField_isAFileError() {
    assertThat(fileError("fail_nth\n").reason()).contains("fail_nth needs n=");
  }

  @Test
  void unknownDriver_isAFileErrorAtTheDriver() {
    ScnError e = fileError("@device d0 driver=amd_vi\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 19));
  }

  @Test
  void unknownDeviceOption_isAFileErrorAtTheOption() {
    ScnError e = fileError("@device d0 driver=mock colour=blue\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 24));
    assertThat(e.reason()).contains("takes no option colour");
  }

  @Test
  void badCommonOptionValues_areFileErrors() {
    assertThat(fileError("@device d0 driver=mock dirty=yes\n").pos()).isEqualTo(new Pos(1, 30));
    assertThat(fileError("@device d0 driver=mock pasid_bits=21\n").pos())
        .isEqualTo(new Pos(1, 35));
  }

  @Test
  void badPageSize_isAFileErrorAtTheValue() {
    assertThat(fileError("@page_size 1000\n").pos()).isEqualTo(new Pos(1, 12));
  }

  @Test
  void devicesAndCommonOptions_buildAHost() {
    RunReport r = run("@device d0 driver=mock iommu=m0 pasid_bits=20 dirty=on pri=off\n"
        + "@device d1 driver=intel_vtd\n@device d2 driver=arm_smmuv3\n\nIOMMU_IOAS_ALLOC\n");
    assertThat(r).isInstanceOf(RunReport.Finished.class);
  }
}
