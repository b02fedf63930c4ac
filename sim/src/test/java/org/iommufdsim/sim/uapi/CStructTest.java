package org.iommufdsim.sim.uapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iommufdsim.sim.uapi.CStruct.anonStruct;
import static org.iommufdsim.sim.uapi.CStruct.array;
import static org.iommufdsim.sim.uapi.CStruct.pad;
import static org.iommufdsim.sim.uapi.CStruct.s32;
import static org.iommufdsim.sim.uapi.CStruct.struct;
import static org.iommufdsim.sim.uapi.CStruct.u16;
import static org.iommufdsim.sim.uapi.CStruct.u32;
import static org.iommufdsim.sim.uapi.CStruct.u64;
import static org.iommufdsim.sim.uapi.CStruct.u8;
import static org.iommufdsim.sim.uapi.CStruct.union;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The struct framework flattens nested, anonymous and array members into the right paths and
 * offsets, computes sizes and minimum sizes like C, and reads and writes fields little-endian.
 */
class CStructTest {

  /** A struct exercising every kind of member the uAPI uses. */
  private static final CStruct MIXED =
      CStruct.of(
          "mixed",
          "tag",
          u32("size"),
          s32("fd"),
          u16("op"),
          u8("b"),
          u8("c"),
          u32("tag"),
          union(null, u32("in_type"), u32("out_type")),
          pad(4),
          union(
              null,
              struct("first", u64("start"), u64("length")),
              struct("second", u32("x"), u32("y"))),
          union("named", u32("p"), u64("q")),
          union(null, anonStruct(u32("lo"), u32("hi")), u64("whole")),
          array("bytes", 3, u8("bytes")),
          pad(1),
          array("words", 2, u32("words")),
          array("pairs", 2, struct("pair", u32("a"), u32("b"))),
          pad(4),
          u64("tail"));

  private static List<String> layout(CStruct s) {
    return s.fields().stream().map(f -> f.path() + "@" + f.offset() + ":" + f.width()).toList();
  }

  @Test
  void flattensAnonymousNestedArrayMembersIntoPathsAndOffsets() {
    assertThat(layout(MIXED))
        .containsExactly(
            "size@0:4",
            "fd@4:4",
            "op@8:2",
            "b@10:1",
            "c@11:1",
            "tag@12:4",
            "in_type@16:4",
            "out_type@16:4",
            "first.start@24:8",
            "first.length@32:8",
            "second.x@24:4",
            "second.y@28:4",
            "named.p@40:4",
            "named.q@40:8",
            "lo@48:4",
            "hi@52:4",
            "whole@48:8",
            "bytes[0]@56:1",
            "bytes[1]@57:1",
            "bytes[2]@58:1",
            "words[0]@60:4",
            "words[1]@64:4",
            "pairs[0].a@68:4",
            "pairs[0].b@72:4",
            "pairs[1].a@76:4",
            "pairs[1].b@80:4",
            "tail@88:8");
  }

  @Test
  void sizeIncludesExplicitPaddingAndMinSizeIsEndOfLastMandatory() {
    assertThat(MIXED.size()).isEqualTo(96);
    assertThat(MIXED.minSize()).isEqualTo(16);
    assertThat(MIXED.name()).isEqualTo("mixed");
    assertThat(MIXED.newBuffer()).hasSize(96);
    CStruct all = CStruct.of("all", u32("a"), u32("b"));
    assertThat(all.minSize()).isEqualTo(all.size()).isEqualTo(8);
    assertThat(all).hasToString("struct all (8 bytes, min 8)");
  }

  @Test
  void memberEndCoversScalarsArraysAndAggregates() {
    assertThat(MIXED.memberEnd("tag")).isEqualTo(16);
    assertThat(MIXED.memberEnd("bytes")).isEqualTo(59);
    assertThat(MIXED.memberEnd("first")).isEqualTo(40);
    assertThat(MIXED.memberEnd("second")).isEqualTo(32);
    assertThat(MIXED.memberEnd("named")).isEqualTo(48);
    assertThat(MIXED.memberEnd("pairs")).isEqualTo(84);
    assertThat(MIXED.memberEnd("pairs[0]")).isEqualTo(76);
    assertThat(CStruct.of("arr", "v", u32("n"), array("v", 3, u8("v")), u8("x")).minSize())
        .isEqualTo(7);
    assertThatThrownBy(() -> MIXED.memberEnd("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lookupsByPath() {
    assertThat(MIXED.offset("second.y")).isEqualTo(28);
    assertThat(MIXED.find("first.length")).isPresent();
    assertThat(MIXED.find("first")).isEmpty();
    assertThatThrownBy(() -> MIXED.field("missing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixed")
        .hasMessageContaining("missing");
  }

  @Test
  void signedFieldsSignExtendAndUnsignedDoNot() {
    CField fd = MIXED.field("fd");
    CField size = MIXED.field("size");
    assertThat(fd.signed()).isTrue();
    assertThat(size.signed()).isFalse();
    byte[] b = MIXED.newBuffer();
    fd.set(b, -1);
    size.set(b, -1);
    assertThat(fd.get(b)).isEqualTo(-1);
    assertThat(size.get(b)).isEqualTo(0xffffffffL);
    fd.set(b, 0x7fffffff);
    assertThat(fd.get(b)).isEqualTo(0x7fffffff);
    fd.set(b, 0x80000000L);
    assertThat(fd.get(b)).isEqualTo(Integer.MIN_VALUE);
  }

  @Test
  void fitsChecksTheFieldWidth() {
    CField fd = MIXED.field("fd");
    CField op = MIXED.field("op");
    CField b = MIXED.field("b");
    CField tail = MIXED.field("tail");
    assertThat(fd.fits(-1)).isTrue();
    assertThat(fd.fits(Integer.MIN_VALUE)).isTrue();
    assertThat(fd.fits(0xffffffffL)).isTrue();
    assertThat(fd.fits(0x1_0000_0000L)).isFalse();
    assertThat(fd.fits(Integer.MIN_VALUE - 1L)).isFalse();
    assertThat(op.fits(0xffff)).isTrue();
    assertThat(op.fits(0x10000)).isFalse();
    assertThat(op.fits(-1)).isFalse();
    assertThat(b.fits(0xff)).isTrue();
    assertThat(b.fits(0x100)).isFalse();
    assertThat(tail.fits(-1)).isTrue();
  }

  @Test
  void setAndGetAreLittleEndianAndStoreOnlyTheFieldWidth() {
    byte[] b = MIXED.newBuffer();
    MIXED.field("tail").set(b, 0x0102030405060708L);
    assertThat(b[88]).isEqualTo((byte) 0x08);
    assertThat(b[89]).isEqualTo((byte) 0x07);
    assertThat(b[95]).isEqualTo((byte) 0x01);
    assertThat(MIXED.field("tail").get(b)).isEqualTo(0x0102030405060708L);

    MIXED.field("op").set(b, 0xabcdef12L);
    assertThat(b[8]).isEqualTo((byte) 0x12);
    assertThat(b[9]).isEqualTo((byte) 0xef);
    assertThat(b[10]).isZero();
    assertThat(MIXED.field("op").get(b)).isEqualTo(0xef12);

    MIXED.field("b").set(b, 0x1ff);
    assertThat(MIXED.field("b").get(b)).isEqualTo(0xff);
    assertThat(b[11]).isZero();

    MIXED.field("tail").set(b, -1L);
    assertThat(MIXED.field("tail").get(b)).isEqualTo(-1L);
  }

  @Test
  void unionMembersAliasTheSameBytes() {
    byte[] b = MIXED.newBuffer();
    MIXED.field("whole").set(b, 0x1122334455667788L);
    assertThat(MIXED.field("lo").get(b)).isEqualTo(0x55667788L);
    assertThat(MIXED.field("hi").get(b)).isEqualTo(0x11223344L);
    MIXED.field("in_type").set(b, 7);
    assertThat(MIXED.field("out_type").get(b)).isEqualTo(7);
  }

  @Test
  void getAndSetHonourABaseOffset() {
    CStruct pair = CStruct.of("pair", u32("a"), pad(4), u64("b"));
    assertThat(pair.offset("b")).isEqualTo(8);
    byte[] b = new byte[3 + pair.size()];
    pair.field("b").set(b, 3, 0x0a0b0c0d0e0f1011L);
    assertThat(b[11]).isEqualTo((byte) 0x11);
    assertThat(b[18]).isEqualTo((byte) 0x0a);
    assertThat(pair.field("b").get(b, 3)).isEqualTo(0x0a0b0c0d0e0f1011L);
  }

  @Test
  void misalignedMembersAreRejectedWhenTheStructIsBuilt() {
    assertThatThrownBy(() -> CStruct.of("bad", u32("a"), u64("b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CStruct.of("bad16", u8("a"), u16("b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
