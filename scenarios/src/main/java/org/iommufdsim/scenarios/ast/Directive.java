package org.iommufdsim.scenarios.ast;

import java.util.List;
import java.util.Optional;

/** A line starting with {@code @}: it configures the host before the first step runs. */
public sealed interface Directive extends Item {
  /** A comment after the directive on its last line, starting with {@code #}. */
  Optional<String> comment();

  /** {@code @title "text"}. */
  record Title(Pos pos, int lastLine, String text, Optional<String> comment)
      implements Directive {}

  /** {@code @page_size N}. */
  record PageSize(Pos pos, int lastLine, Value.Expr size, Optional<String> comment)
      implements Directive {}

  /** {@code @device NAME driver=DRIVER [option=value ...]}; options in file order. */
  record Device(
      Pos pos,
      int lastLine,
      Word name,
      Word driver,
      List<Option> options,
      Optional<String> comment)
      implements Directive {
    public Device {
      options = List.copyOf(options);
    }
  }

  /** A bare word of a directive (device name, option key or value) and where it is. */
  record Word(Pos pos, String text) {}

  /** {@code key=value} of {@code @device}. */
  record Option(Word key, Word value) {}
}
