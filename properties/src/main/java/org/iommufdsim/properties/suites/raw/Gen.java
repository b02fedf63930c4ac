package org.iommufdsim.properties.suites.raw;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.suites.raw.RawState.SizeVariant;
import org.iommufdsim.properties.suites.raw.RefModel.Area;
import org.iommufdsim.properties.suites.raw.RefModel.Ctx;
import org.iommufdsim.properties.suites.raw.RefModel.IommuFd;
import org.iommufdsim.properties.suites.raw.RefModel.Kind;
import org.iommufdsim.properties.suites.raw.RefModel.Obj;

/**
 * Generation that knows the state: live fds and IDs most of the time, dead and random ones
 * sometimes, IOVAs and lengths on both sides of every boundary. Draw 0 is always the simplest.
 */
final class Gen {
  private Gen() {}

  static List<Integer> iommuFds(RawState s) {
    List<Integer> out = new ArrayList<>();
    s.model.fds.forEach((fd, f) -> {
      if (f instanceof IommuFd) {
        out.add(fd);
      }
    });
    return out;
  }

  /** An fd for an iommufd ioctl: usually a live iommufd. */
  static int iommuFd(RawState s, Choices c) {
    List<Integer> live = iommuFds(s);
    int k = (int) c.below(40);
    if (k < 37 && !live.isEmpty()) {
      return live.get((int) c.below(live.size()));
    }
    return otherFd(s, c);
  }

  /** Any open fd, a closed one, or one never opened. */
  static int otherFd(RawState s, Choices c) {
    int k = (int) c.below(3);
    if (k == 0 && !s.model.fds.isEmpty()) {
      List<Integer> open = new ArrayList<>(s.model.fds.keySet());
      return open.get((int) c.below(open.size()));
    }
    if (k == 1 && !s.closedFds.isEmpty()) {
      return s.closedFds.get((int) c.below(s.closedFds.size()));
    }
    return (int) c.between(3, 1100);
  }

  static Ctx ctxOf(RawState s, int fd) {
    return s.model.fds.get(fd) instanceof IommuFd i ? i.ctx() : null;
  }

  static List<Obj> objs(Ctx ctx, Kind kind) {
    List<Obj> out = new ArrayList<>();
    if (ctx != null) {
      ctx.objs.values().stream().filter(o -> kind == null || o.kind == kind).forEach(out::add);
    }
    return out;
  }

  /** An object ID: usually a live one of {@code kind}, sometimes any, dead, 0 or huge. */
  static long id(RawState s, Ctx ctx, Kind kind, Choices c) {
    int k = (int) c.below(12);
    List<Obj> want = objs(ctx, kind);
    if (k < 9 && !want.isEmpty()) {
      return want.get((int) c.below(want.size())).id;
    }
    List<Obj> any = objs(ctx, null);
    if (k == 9 && !any.isEmpty()) {
      return any.get((int) c.below(any.size())).id;
    }
    if (k == 10 && !s.deadIds.isEmpty()) {
      return s.deadIds.get((int) c.below(s.deadIds.size()));
    }
    return new long[] {0, 1, 2, 3, 7, 0x7fffffffL, 0x80000000L, 0xffffffffL}[(int) c.below(8)];
  }

  static SizeVariant size(Choices c) {
    int k = (int) c.below(40);
    return k < 37 ? SizeVariant.FULL : SizeVariant.values()[k - 36];
  }

  static boolean badPtr(Choices c) {
    return c.below(40) == 39;
  }

  static long pages(RawState s, long n) {
    return n * s.model.page;
  }

  /** A length: page multiples mostly; then 2 KiB, odd, 0, and the top of the u64 range. */
  static long length(RawState s, Choices c) {
    long p = s.model.page;
    return switch ((int) c.below(20)) {
      case 0, 1, 2, 3, 4, 5, 6, 7, 8 -> p * (1 + c.below(8));
      case 9, 10 -> RefModel.MOCK_PAGE * (1 + c.below(4));
      case 11 -> 1 + c.below(p);
      case 12 -> 0;
      case 13 -> U64.MAX;
      case 14 -> U64.MAX - 1;
      case 15 -> 1L << 63;
      case 16 -> -p;
      case 17 -> p << (10 + c.below(30));
      case 18 -> (2L << 20) + p * c.below(3);
      default -> c.below(Long.MAX_VALUE) << c.below(2);
    };
  }

  /** A user address: inside a live buffer mostly, else odd, unmapped, freed or at the top. */
  static long userVa(RawState s, Choices c) {
    List<Long> live = new ArrayList<>(s.model.mem.keySet());
    int k = (int) c.below(16);
    long p = s.model.page;
    if (k < 10 && !live.isEmpty()) {
      long base = live.get((int) c.below(live.size()));
      long len = s.model.mem.get(base) - base + 1;
      long off = p * c.below(Math.max(1, len / p));
      return base + off + (c.percent(15) ? RefModel.MOCK_PAGE : 0);
    }
    return switch (k) {
      case 10 -> live.isEmpty() ? 0 : live.getFirst() + 1 + c.below(p - 1);
      case 11 -> 0;
      case 12 -> RawState.UNMAPPED;
      case 13 -> -p;
      case 14 -> {
        List<Long> all = new ArrayList<>(s.buffers.keySet());
        yield all.get((int) c.below(all.size()));
      }
      default -> c.below(1L << 48) << c.below(3);
    };
  }

  static List<Area> areas(Ctx ctx, long ioasId) {
    Obj o = ctx == null ? null : RefModel.get(ctx, ioasId, Kind.IOAS);
    return o == null ? List.of() : new ArrayList<>(o.areas.values());
  }

  /** An IOVA for a fixed placement or an unmap: near areas, aperture edges and the u64 top. */
  static long iova(RawState s, List<Area> areas, long len, Choices c) {
    long p = s.model.page;
    int k = (int) c.below(20);
    if (k >= 4 && k < 10 && !areas.isEmpty()) {
      Area a = areas.get((int) c.below(areas.size()));
      return switch (k) {
        case 4, 5 -> a.start();
        case 6 -> a.last() + 1;
        case 7 -> a.start() + p;
        case 8 -> a.start() - len;
        default -> a.start() + RefModel.MOCK_PAGE;
      };
    }
    return switch (k) {
      case 10 -> RefModel.MOCK_AP_START;
      case 11 -> RefModel.MOCK_AP_START - p;
      case 12 -> RefModel.MOCK_AP_LAST + 1 - len;
      case 13 -> RefModel.MOCK_AP_LAST + 1;
      case 14 -> -p;
      case 15 -> U64.MAX;
      case 16 -> U64.MAX - 1;
      case 17 -> RefModel.MOCK_AP_START + RefModel.MOCK_PAGE * c.below(64);
      case 18 -> switch ((int) c.below(7)) {
        case 0 -> (1L << 47) - len;
        case 1 -> 1L << 47;
        case 2 -> (1L << 48) - len;
        case 3 -> 0xfee00000L - len;
        case 4 -> 0xfee00000L;
        case 5 -> 0xfef00000L;
        default -> c.below(Long.MAX_VALUE) << 1;
      };
      default -> RefModel.MOCK_AP_START + p * c.below(64);
    };
  }

  /** MAP/COPY flags: read-write usually, then one-sided, none, or an unknown bit. */
  static long mapFlags(Choices c, boolean fixed) {
    long base = switch ((int) c.below(12)) {
      case 9 -> 4;
      case 10 -> 2;
      case 11 -> c.percent(50) ? 0 : 6 | (1L << (3 + c.below(29)));
      default -> 6;
    };
    return base | (fixed ? 1 : 0);
  }
}
