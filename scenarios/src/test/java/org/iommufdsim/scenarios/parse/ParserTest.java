package org.iommufdsim.scenarios.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Arg;
import org.iommufdsim.scenarios.ast.Directive;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.sim.uapi.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser accepts every construct of the contract and builds the AST it means. */
class ParserTest {

  @Test
  void contractFirstExample_parsesIntoDirectivesCommentsAndSteps() {
    List<String> blocks = Scn.contractBlocks();
    assertThat(blocks).isNotEmpty();
    Scenario s = Scn.parse(blocks.getFirst());
    assertThat(s.title()).contains("A fault-capable HWPT, and why its fault queue cannot go first");
    assertThat(s.steps()).hasSize(11);
    assertThat(s.items()).filteredOn(Item.Comment.class::isInstance).hasSize(2);
    Step nested = s.steps().get(5);
    assertThat(nested.call().text()).isEqualTo("IOMMU_HWPT_ALLOC");
    assertThat(nested.pos()).isEqualTo(new Pos(10, 1));
    assertThat(nested.lastLine()).isEqualTo(11);
    assertThat(nested.fieldArgs()).extracting(FieldArg::path)
        .containsExactly("dev_id", "pt_id", "flags", "fault_id", "data_type", "data");
    assertThat(nested.fieldArgs().get(4).pos()).isEqualTo(new Pos(11, 5));
    assertThat(nested.outcome().orElseThrow().pairs().getFirst().path()).isEqualTo("out_hwpt_id");
    Step close = s.steps().get(9);
    assertThat(close.target().map(Step.Name::text)).contains("ffd");
    assertThat(close.call().text()).isEqualTo("close");
  }

  @Test
  void everyContractBlock_parses() {
    for (String block : Scn.contractBlocks()) {
      Scn.parse(block);
    }
  }

  /** Every inline example of the contract, as a step (or directive) of its own. */
  @ParameterizedTest
  @ValueSource(strings = {
      "open \"/dev/iommu\" -> ok fd=$iommufd",
      "$ffd: write iommu_hwpt_page_response{cookie=$c code=IOMMUFD_PAGE_RESP_SUCCESS}",
      "$ffd: write iommu_hwpt_page_response{cookie=1} iommu_hwpt_page_response{cookie=2} count=32",
      "IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas -> EMSGSIZE num_iovas=3",
      "IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=2 -> ok allowed_iovas[1].last=UINT64_MAX",
      "IOMMU_TEST_OP_ADD_RESERVED id=$ioas start=MOCK_APERTURE_START+2*PAGE_SIZE length=PAGE_SIZE",
      "IOMMU_TEST_CMD op=IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas -> ok mock_domain.out_stdev_id=$s",
      "IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas allowed_iovas=[{start=0x1000 last=0x1fff} {start=A last=B}]",
      "IOMMU_HWPT_INVALIDATE hwpt_id=$h data_type=IOMMU_HWPT_INVALIDATE_DATA_SELFTEST data=[{iotlb_id=0} {flags=1}]",
      "IOMMU_HWPT_INVALIDATE hwpt_id=$h data=[] -> ok entry_num=0",
      "IOMMU_GET_HW_INFO dev_id=$idev data_len=8 -> ok data.test_reg=0xdeadbeef",
      "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=$h length=PAGE_SIZE page_size=PAGE_SIZE bitmap_bytes=8 -> ok bitmap[0]=1",
      "IOMMU_DESTROY size=4 trailing=0x0001 -> EINVAL",
      "IOMMU_IOAS_ALLOC trailing=0x0001 -> E2BIG",
      "$ffd: read count=80 -> ok ret=80 [0].cookie=$c [1].addr=0x1000",
      "$ffd: poll events=POLLIN -> ok revents=POLLIN|POLLRDNORM",
      "$ffd: poll",
      "mmap length=PAGE_SIZE fd=$memfd offset=0 -> ok addr=$a",
      "munmap addr=$a length=PAGE_SIZE",
      "memfd_create \"buf\" size=4*PAGE_SIZE -> ok fd=$memfd",
      "fail_nth n=3",
      "close",
      "IOMMU_IOAS_MAP_FILE fd=-1 -> EBADF",
      "IOMMU_IOAS_MAP iova=(MOCK_APERTURE_START+PAGE_SIZE)*2-1 -> ENOTSUP",
      "$dev0: VFIO_DEVICE_BIND_IOMMUFD iommufd=$iommufd -> ok out_devid=$idev",
      "@device dev0 driver=mock iommu=smmu0 pasid_bits=20 dirty=on pri=off",
      "@page_size 16384",
      "@title \"quotes \\\" and backslashes \\\\\""})
  void contractInlineExample_parses(String line) {
    Scenario s = Scn.parse(line + "\n");
    assertThat(s.items()).hasSize(1);
  }

  @Test
  void expression_followsCPrecedence() {
    Step st = Scn.parse("X v=A|B+C*D-(E|F)\n").steps().getFirst();
    Value v = st.fieldArgs().getFirst().value();
    assertThat(v).isInstanceOfSatisfying(Value.Binary.class, or -> {
      assertThat(or.op()).isEqualTo('|');
      assertThat(or.left()).isEqualTo(new Value.Name(new Pos(1, 5), "A"));
      assertThat(or.right()).isInstanceOfSatisfying(Value.Binary.class, minus -> {
        assertThat(minus.op()).isEqualTo('-');
        assertThat(minus.right()).isInstanceOf(Value.Group.class);
        assertThat(minus.left()).isInstanceOfSatisfying(Value.Binary.class, plus -> {
          assertThat(plus.op()).isEqualTo('+');
          assertThat(plus.right()).isInstanceOfSatisfying(Value.Binary.class,
              mul -> assertThat(mul.op()).isEqualTo('*'));
        });
      });
    });
  }

  @Test
  void rawIoctl_isACallWithAnExpressionForItsRequest() {
    Step st = Scn.parse("$f: ioctl request=(IOMMUFD_TYPE*256)|(IOMMUFD_CMD_BASE-1) arg=0\n")
        .steps().getFirst();
    assertThat(st.call().text()).isEqualTo("ioctl");
    assertThat(st.target().map(Step.Name::text)).contains("f");
    assertThat(st.fieldArgs()).extracting(FieldArg::path).containsExactly("request", "arg");
    assertThat(st.fieldArgs().getFirst().value()).isInstanceOfSatisfying(Value.Binary.class,
        or -> {
          assertThat(or.op()).isEqualTo('|');
          assertThat(or.left()).isInstanceOf(Value.Group.class);
          assertThat(or.right()).isInstanceOf(Value.Group.class);
        });
  }

  @Test
  void literals_keepTheirSpellingUpToCase() {
    Step st = Scn.parse("X a=0X00FF b=007 c=-12 d=18446744073709551615 e=0x000102030405060708090a\n")
        .steps().getFirst();
    assertThat(st.fieldArgs()).extracting(FieldArg::value).containsExactly(
        new Value.Num(new Pos(1, 5), "0x00ff"),
        new Value.Num(new Pos(1, 14), "7"),
        new Value.Neg(new Pos(1, 20), "12"),
        new Value.Num(new Pos(1, 26), "18446744073709551615"),
        new Value.Num(new Pos(1, 49), "0x000102030405060708090a"));
  }

  @Test
  void outcome_withErrnoAlias_isTheCanonicalErrno() {
    Step st = Scn.parse("IOMMU_DESTROY id=1 -> ENOTSUP\n").steps().getFirst();
    assertThat(st.outcome().orElseThrow().errno()).contains(Errno.EOPNOTSUPP);
  }

  @Test
  void stepWithoutArrow_hasNoOutcome() {
    Step st = Scn.parse("IOMMU_DESTROY id=$x\n").steps().getFirst();
    assertThat(st.outcome()).isEmpty();
    assertThat(st.target()).isEmpty();
  }

  @Test
  void writeRecords_arePositionalTypedStructs() {
    Step st = Scn.parse("$f: write r{cookie=1 code=0} r{} count=24\n").steps().getFirst();
    assertThat(st.args()).hasSize(3);
    assertThat(st.args().get(0)).isInstanceOfSatisfying(Arg.Positional.class, p ->
        assertThat(p.value()).isInstanceOfSatisfying(Value.StructLit.class, lit -> {
          assertThat(lit.type()).contains("r");
          assertThat(lit.fields()).hasSize(2);
        }));
  }

  @Test
  void trailingComment_staysWithItsStep() {
    Scenario s = Scn.parse("IOMMU_DESTROY id=1 -> ENOENT  # never allocated\n");
    assertThat(s.steps().getFirst().comment()).contains("# never allocated");
  }

  @Test
  void hashInsideString_isNotAComment() {
    Step st = Scn.parse("memfd_create \"a#b\" size=1 # c\n").steps().getFirst();
    assertThat(st.args().getFirst()).isEqualTo(
        new Arg.Positional(new Value.Str(new Pos(1, 14), "a#b")));
    assertThat(st.comment()).contains("# c");
  }

  @Test
  void device_keepsDriverAndOptionsWithPositions() {
    Directive.Device d = (Directive.Device) Scn.parse(
        "@device dev0 iommu=a driver=intel_vtd pasid_bits=8\n").items().getFirst();
    assertThat(d.name().text()).isEqualTo("dev0");
    assertThat(d.driver()).isEqualTo(new Directive.Word(new Pos(1, 29), "intel_vtd"));
    assertThat(d.options()).extracting(o -> o.key().text()).containsExactly("iommu", "pasid_bits");
  }

  @Test
  void crlfAndTabsAndBom_areAccepted() {
    Scenario s = Scn.parse("\uFEFF# c\r\nIOMMU_DESTROY\tid=1\r\n");
    assertThat(s.steps().getFirst().fieldArgs().getFirst().pos()).isEqualTo(new Pos(2, 15));
  }

  // ---- errors: line, column, reason

  @Test
  void missingValue_pointsAtTheEndOfTheLine() {
    ScnError e = Scn.parseError("IOMMU_DESTROY id=\n");
    assertThat(e).isInstanceOf(ScnError.Syntax.class);
    assertThat(e.pos()).isEqualTo(new Pos(1, 18));
    assertThat(e.reason()).contains("expected a value");
  }

  @Test
  void spaceAroundEquals_pointsAtTheSpace() {
    ScnError e = Scn.parseError("# x\n\nIOMMU_DESTROY id = 3\n");
    assertThat(e.pos()).isEqualTo(new Pos(3, 17));
    assertThat(e.reason()).contains("expected '=' after the field name id");
  }

  @Test
  void spaceInsideExpression_pointsAtTheStrayOperator() {
    ScnError e = Scn.parseError("IOMMU_DESTROY id=1 +2\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 20));
  }

  @Test
  void unterminatedString_pointsAtItsQuote() {
    ScnError e = Scn.parseError("open \"/dev/iommu\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 6));
    assertThat(e.reason()).contains("unterminated string");
  }

  @Test
  void backslashEndingAnUnterminatedString_isNoContinuation() {
    ScnError e = Scn.parseError("open \"/dev/iommu\\\n\"\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 6));
  }

  @Test
  void unknownErrno_pointsAtIt() {
    ScnError e = Scn.parseError("IOMMU_DESTROY id=1 -> EFOO\n");
    assertThat(e).isInstanceOf(ScnError.Unknown.class);
    assertThat(e.pos()).isEqualTo(new Pos(1, 23));
  }

  @Test
  void directiveAfterAStep_isRefused() {
    ScnError e = Scn.parseError("IOMMU_IOAS_ALLOC\n  @page_size 4096\n");
    assertThat(e.pos()).isEqualTo(new Pos(2, 3));
    assertThat(e.reason()).contains("directives come before the first step");
  }

  @Test
  void errorOnAContinuationLine_pointsIntoThatLine() {
    ScnError e = Scn.parseError("IOMMU_DESTROY \\\n    id=3 x\n");
    assertThat(e.pos()).isEqualTo(new Pos(2, 11));
  }

  @Test
  void continuationAtEndOfFile_pointsAtTheBackslash() {
    ScnError e = Scn.parseError("IOMMU_DESTROY id=1 \\\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 20));
  }

  @Test
  void commentAfterAContinuation_isRefused() {
    ScnError e = Scn.parseError("IOMMU_DESTROY \\ # why\n  id=1\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 17));
    assertThat(e.reason()).contains("comment");
  }

  @Test
  void commentLineInsideAContinuedStep_isRefused() {
    ScnError e = Scn.parseError("IOMMU_DESTROY \\\n# why\n  id=1\n");
    assertThat(e.pos()).isEqualTo(new Pos(2, 1));
  }

  @Test
  void unknownDirective_isUnknown() {
    ScnError e = Scn.parseError("@seed 42\n");
    assertThat(e).isInstanceOf(ScnError.Unknown.class);
    assertThat(e.pos()).isEqualTo(new Pos(1, 1));
  }

  @Test
  void deviceWithoutDriver_isRefused() {
    assertThat(Scn.parseError("@device d0 iommu=x\n").reason()).contains("needs driver=");
  }

  @Test
  void duplicateTitle_isRefused() {
    assertThat(Scn.parseError("@title \"a\"\n@title \"b\"\n").pos()).isEqualTo(new Pos(2, 1));
  }

  @Test
  void negativeHex_isRefused() {
    assertThat(Scn.parseError("X a=-0x1\n").reason()).contains("decimal");
  }

  @Test
  void decimalBeyond64Bits_isRefused() {
    assertThat(Scn.parseError("X a=18446744073709551616\n").pos()).isEqualTo(new Pos(1, 5));
  }

  @Test
  void targetWithoutColon_isRefused() {
    ScnError e = Scn.parseError("$ffd close\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 5));
  }

  @Test
  void commaBetweenStructFields_isRefused() {
    ScnError e = Scn.parseError("X data={a=1,b=2}\n");
    assertThat(e.pos()).isEqualTo(new Pos(1, 12));
  }

  @Test
  void emptyFile_isAnEmptyScenario() {
    assertThat(Scn.parse("").items()).isEmpty();
    assertThat(Scn.parse("\n\n").steps()).isEmpty();
    assertThat(Scn.parse("# only\n").title()).isEqualTo(Optional.empty());
  }
}
