package io.kubechores.desiredstate;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

import java.io.StringReader;
import java.util.Arrays;

/**
 * SnakeYAML's reader over a whole in-memory text, in linear time.
 *
 * <p>SnakeYAML's own {@link StreamReader} reads 1023 characters at a time and, on every read, copies the part of its
 * window not yet consumed ({@code update()}: {@code dataWindow = Arrays.copyOfRange(dataWindow, pointer, ...)}). A
 * token is only consumed once the scanner has peeked to its end, so one long token (a 10 MB comment, plain or quoted
 * scalar on one line) is copied again for every 1023 characters: quadratic (measured on this loader before the fix:
 * 2 MB 2.5 s, 4 MB 12 s, 8 MB 35 s; the issue saw 10 MB take 96 s). This reader indexes the text directly: every
 * peek, prefix and forward is O(1) per code point. Semantics (line and column counting, the document index that the
 * code point limit counts, marks) follow SnakeYAML 2.x StreamReader (snakeyaml/snakeyaml,
 * src/main/java/org/yaml/snakeyaml/reader/StreamReader.java). Non-printable characters are found before parsing
 * (see {@link LocatedYaml}) and reported with their line and column, so this reader does not check them.
 */
final class LinearStreamReader extends StreamReader {
    /** Code points of the text when it holds surrogate pairs; null when every char is one code point. */
    private final int[] codePoints;
    private final String text;
    private final int length;
    private int pointer;
    private int index;
    private int documentIndex;
    private int line;
    private int column;

    LinearStreamReader(String text) {
        super(new StringReader(""));
        this.text = text;
        boolean surrogates = false;
        for (int i = 0; i < text.length() && !surrogates; i++) surrogates = Character.isSurrogate(text.charAt(i));
        this.codePoints = surrogates ? text.codePoints().toArray() : null;
        this.length = surrogates ? codePoints.length : text.length();
    }

    private int at(int i) {
        if (i >= length) return '\0';
        return codePoints != null ? codePoints[i] : text.charAt(i);
    }

    @Override
    public Mark getMark() {
        // a short window for the snippet SnakeYAML can render (it is never shown: messages name line and column)
        int end = Math.min(length, pointer + 80);
        int[] window = new int[end - pointer];
        for (int i = 0; i < window.length; i++) window[i] = at(pointer + i);
        return new Mark("'reader'", index, line, column, window, 0);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int n) {
        for (int i = 0; i < n && pointer < length; i++) {
            int c = at(pointer++);
            index++;
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && pointer < length && at(pointer) != '\n')) {
                line++;
                column = 0;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
    }

    @Override
    public int peek() {
        return at(pointer);
    }

    @Override
    public int peek(int i) {
        return at(pointer + i);
    }

    @Override
    public String prefix(int n) {
        if (n == 0) return "";
        int end = Math.min(length, pointer + n);
        if (codePoints == null) return text.substring(pointer, end);
        return new String(Arrays.copyOfRange(codePoints, pointer, end), 0, end - pointer);
    }

    @Override
    public String prefixForward(int n) {
        String prefix = prefix(n);
        pointer += n;
        index += n;
        documentIndex += n;
        column += n; // a prefix never holds a line break (as in SnakeYAML)
        return prefix;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getDocumentIndex() {
        return documentIndex;
    }

    @Override
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public int getLine() {
        return line;
    }
}
