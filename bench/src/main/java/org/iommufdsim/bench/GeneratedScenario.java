package org.iommufdsim.bench;

/**
 * The large scenario the {@code check} throughput is measured on: the same text for the same
 * size, every time. After a short prologue (an IOAS and a buffer), each round maps a page at a
 * fixed IOVA, allocates and destroys a second IOAS (its ID is the lowest free, so it comes back
 * equal to {@code $spare}), asks for the IOVA ranges, and unmaps the page again, so the areas
 * stay few and every outcome is checked.
 */
final class GeneratedScenario {
  static final int PROLOGUE_STEPS = 2;
  static final int STEPS_PER_ROUND = 5;

  private GeneratedScenario() {}

  static int steps(int rounds) {
    return PROLOGUE_STEPS + STEPS_PER_ROUND * rounds;
  }

  static String text(int rounds) {
    StringBuilder sb = new StringBuilder(rounds * 400);
    sb.append("@title \"generated: ").append(steps(rounds)).append(" steps\"\n\n");
    sb.append("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n");
    sb.append("mmap length=16*PAGE_SIZE -> ok addr=$buf\n");
    for (int i = 0; i < rounds; i++) {
      long iova = 0x100000L + (long) (i % 4096) * 0x2000L;
      String hex = "0x" + Long.toHexString(iova);
      sb.append("\n# round ").append(i).append('\n');
      sb.append("IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_FIXED_IOVA|")
          .append("IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE \\\n")
          .append("    user_va=$buf+").append((i % 16)).append("*PAGE_SIZE length=PAGE_SIZE iova=")
          .append(hex).append(" -> ok iova=").append(hex).append('\n');
      sb.append("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$spare\n");
      sb.append("IOMMU_DESTROY id=$spare\n");
      sb.append("IOMMU_IOAS_IOVA_RANGES ioas_id=$ioas num_iovas=0 -> EMSGSIZE num_iovas=1\n");
      sb.append("IOMMU_IOAS_UNMAP ioas_id=$ioas iova=").append(hex)
          .append(" length=PAGE_SIZE -> ok length=PAGE_SIZE\n");
    }
    return sb.toString();
  }
}
