package org.iommufdsim.scenarios.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The formatter prints one canonical spelling, and formatting its output changes nothing. */
class FormatterTest {

  private static String fmt(String text) {
    return Formatter.format(Scn.parse(text));
  }

  private static void assertIdempotent(String text) {
    String once = fmt(text);
    assertThat(fmt(once)).isEqualTo(once);
  }

  @Test
  void contractBlocks_formatIdempotently() {
    Scn.contractBlocks().forEach(FormatterTest::assertIdempotent);
  }

  @Test
  void teachingFiles_areAlreadyCanonical() throws IOException {
    for (Path p : Scn.libraryFiles("teaching")) {
      String text = Files.readString(p);
      assertThat(fmt(text)).as(p.toString()).isEqualTo(text);
    }
  }

  @Test
  void messyFile_isCanonicalAfterOneFormat() {
    String messy = """


        # lead comment   \t
        @title   "t"   # why
        @device d0 iommu=x driver=mock
        # after directives
        IOMMU_IOAS_ALLOC    ->   ok    out_ioas_id=$ioas



        IOMMU_DESTROY  id=0X1F \\
              -> ENOTSUP   # alias
        $x:   close  -> ok
        IOMMU_DESTROY id=007 -> ok


        """;
    assertThat(fmt(messy)).isEqualTo("""
        # lead comment
        @title "t"  # why
        @device d0 driver=mock iommu=x

        # after directives
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas

        IOMMU_DESTROY id=0x1f -> EOPNOTSUPP  # alias
        $x: close
        IOMMU_DESTROY id=7
        """);
    assertIdempotent(messy);
  }

  @Test
  void directives_areFollowedByExactlyOneBlankLine() {
    assertThat(fmt("@title \"a\"\nIOMMU_IOAS_ALLOC\n")).isEqualTo("@title \"a\"\n\nIOMMU_IOAS_ALLOC\n");
    assertThat(fmt("@title \"a\"\n\n\n\nIOMMU_IOAS_ALLOC\n"))
        .isEqualTo("@title \"a\"\n\nIOMMU_IOAS_ALLOC\n");
  }

  @Test
  void bareOk_isOmittedButOkWithPairsIsKept() {
    assertThat(fmt("close -> ok\n")).isEqualTo("close\n");
    assertThat(fmt("mmap length=1 -> ok addr=$a\n")).isEqualTo("mmap length=1 -> ok addr=$a\n");
  }

  @Test
  void structsListsAndStrings_printCompactly() {
    assertThat(fmt("X d={ a=1   b=[ 1  2 ] } l=[ {x=1} {} ] s=\"q\\\"\\\\\"\n"))
        .isEqualTo("X d={a=1 b=[1 2]} l=[{x=1} {}] s=\"q\\\"\\\\\"\n");
  }

  @Test
  void longStep_wrapsGreedilyAtTheWidth() {
    StringBuilder sb = new StringBuilder("IOMMU_IOAS_MAP");
    for (int i = 0; i < 20; i++) {
      sb.append(" field_number_").append(i).append("=0x1000");
    }
    sb.append(" -> EINVAL out_x=$y\n");
    String out = fmt(sb.toString());
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSizeGreaterThan(3);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      assertThat(l.length()).isLessThanOrEqualTo(Formatter.WIDTH);
      if (i > 0) {
        assertThat(l).startsWith("    ").doesNotStartWith("     ");
      }
      if (i < lines.size() - 1) {
        assertThat(l).endsWith(" \\");
      }
    }
    assertThat(out).doesNotContain("-> \\");
    assertThat(Scn.parse(out).steps().getFirst().fieldArgs()).hasSize(20);
    assertIdempotent(sb.toString());
  }

  @Test
  void stepThatFits_staysOnOneLineWhateverTheInputBreaks() {
    assertThat(fmt("IOMMU_DESTROY \\\n  id=1 \\\n  -> ENOENT\n"))
        .isEqualTo("IOMMU_DESTROY id=1 -> ENOENT\n");
  }

  @Test
  void itemLongerThanTheWidth_getsALineOfItsOwn() {
    String big = "X a=1 data={" + "f=1 ".repeat(40).trim() + "} b=2\n";
    List<String> lines = fmt(big).lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("    data={");
    assertIdempotent(big);
  }

  /** The additions of {@code scenarios/README.md} are ordinary pairs: printed as written. */
  @ParameterizedTest
  @ValueSource(strings = {
      "IOMMU_DESTROY arg=0 -> EFAULT",
      "IOMMU_IOAS_ALLOC arg=0xffffffffffff0000 -> EFAULT",
      "IOMMU_IOAS_ALLOC arg=$page+8 -> EINVAL",
      "ioctl request=0x3b7f -> ENOTTY",
      "ioctl request=(IOMMUFD_TYPE*256)|(IOMMUFD_CMD_BASE-1) -> ENOTTY",
      "$other: ioctl request=0x3b7f arg=0 -> ok ret=0",
      "IOMMU_IOAS_IOVA_RANGES num_iovas=1 allowed_iovas_buffer=8 -> EMSGSIZE allowed_iovas[7].last=0"})
  void additions_roundTripUnchanged(String text) {
    String line = text + "\n";
    assertThat(fmt(line)).isEqualTo(line);
  }

  @Test
  void additions_areCanonicalizedLikeAnyValue() {
    assertThat(fmt("ioctl   request=0X3B7F  arg=00  ->  ENOTTY\n"))
        .isEqualTo("ioctl request=0x3b7f arg=0 -> ENOTTY\n");
  }

  @Test
  void comments_stayInPlace() {
    String text = "# one\nIOMMU_IOAS_ALLOC  # two\n# three\n\n# four\nclose\n";
    assertThat(fmt(text)).isEqualTo(text);
  }

  @Test
  void emptyScenario_printsNothing() {
    assertThat(Formatter.format(new Scenario(List.of()))).isEmpty();
    assertThat(fmt("\n\n")).isEmpty();
  }
}
