package org.iommufdsim.scenarios.ast;

import java.util.List;
import java.util.Optional;

/**
 * {@code [target ':'] call {arg} ['->' outcome]}: one system call and what it must return.
 *
 * @param target the fd variable the call acts on (without {@code $}), if given
 * @param call the call's name: an ioctl macro, {@code IOMMU_TEST_OP_*} or a builtin
 * @param args positional values and {@code field=value} pairs, in file order
 * @param outcome the expected outcome; empty means "must succeed"
 * @param comment a comment on the step's last line, starting with {@code #}
 */
public record Step(
    Pos pos,
    int lastLine,
    Optional<Name> target,
    Name call,
    List<Arg> args,
    Optional<Outcome> outcome,
    Optional<String> comment)
    implements Item {
  public Step {
    args = List.copyOf(args);
  }

  /** A name and where it is spelt. */
  public record Name(Pos pos, String text) {}

  public List<FieldArg> fieldArgs() {
    return args.stream().filter(FieldArg.class::isInstance).map(FieldArg.class::cast).toList();
  }

  public Step withOutcome(Optional<Outcome> o) {
    return new Step(pos, lastLine, target, call, args, o, comment);
  }
}
