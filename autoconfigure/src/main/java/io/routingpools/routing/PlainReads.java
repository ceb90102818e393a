package io.routingpools.routing;

/**
 * Whether a PostgreSQL statement is a plain read, which a replica may run in auto-commit
 * mode (DESIGN section 4 rule 4). Conservative: anything doubtful is not a plain read and
 * goes to the primary, where it runs as it would without the routing layer.
 * <p>
 * A plain read is one statement (a single trailing {@code ;} allowed) that begins, after
 * comments and opening parentheses, with {@code SELECT}, {@code WITH}, {@code VALUES},
 * {@code TABLE} or {@code SHOW}, and that contains none of the following outside string
 * literals (standard, {@code E'...'}, dollar-quoted), quoted identifiers and comments
 * (nested, as PostgreSQL nests them), in any case:
 * <ul>
 * <li>the words {@code INSERT}, {@code UPDATE}, {@code DELETE} and {@code MERGE}: a
 * data-modifying {@code WITH}, {@code FOR UPDATE}, {@code FOR NO KEY UPDATE};</li>
 * <li>{@code FOR SHARE} and {@code FOR KEY SHARE} (the word {@code FOR} followed by
 * {@code SHARE} or {@code KEY});</li>
 * <li>the word {@code INTO}: {@code SELECT ... INTO} creates a table;</li>
 * <li>a call, schema-qualified or not, of a function that writes, locks, assigns a
 * transaction id, changes the server or reads or sets session state: {@code nextval},
 * {@code setval}, {@code currval}, {@code lastval}, {@code set_config}, {@code setseed},
 * {@code lo_*}, {@code loread}, {@code lowrite}, {@code txid_current*}, {@code dblink*},
 * {@code query_to_xml*} (runs SQL text), and the {@code pg_*} functions whose names
 * contain {@code advisory} or {@code reset} or begin with {@code pg_notify},
 * {@code pg_cancel_backend}, {@code pg_terminate_backend}, {@code pg_switch_wal},
 * {@code pg_create_}, {@code pg_drop_}, {@code pg_current_}, {@code pg_promote},
 * {@code pg_wal_replay_}, {@code pg_reload_conf}, {@code pg_rotate_logfile},
 * {@code pg_export_snapshot}, {@code pg_import_}, {@code pg_replication_},
 * {@code pg_logical_}, {@code pg_copy_}, {@code pg_backup_}, {@code pg_start_backup},
 * {@code pg_stop_backup}, {@code pg_log_}, {@code pg_restore_}, {@code pg_clear_} or
 * {@code pg_set_} ({@code pg_sleep} is a read);</li>
 * <li>a second statement after a {@code ;}.</li>
 * </ul>
 * Everything else is refused: other commands ({@code EXPLAIN} included), a JDBC escape
 * such as <code>{call ...}</code>, unterminated literals and comments, a quoted function
 * name with a {@code ""} in it or in {@code U&"..."} form. A backslash in a standard
 * literal means one thing with {@code standard_conforming_strings} on and another with it
 * off: such a statement must be a plain read both ways.
 * <p>
 * What a statement does not show is not seen: a user-defined function or a view that
 * writes still fails on the replica with PostgreSQL's own error. This runs for each
 * statement prepared outside a transaction, so it makes one pass over the characters (two
 * for a backslash in a standard literal), compares words without copying them and
 * allocates nothing.
 */
final class PlainReads {

	/**
	 * Prefixes of the {@code pg_*} functions that are refused, besides those whose names
	 * contain {@code advisory} or {@code reset}.
	 */
	private static final String[] REFUSED_PG_PREFIXES = { "pg_notify", "pg_cancel_backend", "pg_terminate_backend",
			"pg_switch_wal", "pg_create_", "pg_drop_", "pg_current_", "pg_promote", "pg_wal_replay_", "pg_reload_conf",
			"pg_rotate_logfile", "pg_export_snapshot", "pg_import_", "pg_replication_", "pg_logical_", "pg_copy_",
			"pg_backup_", "pg_start_backup", "pg_stop_backup", "pg_log_", "pg_restore_", "pg_clear_", "pg_set_" };

	private static final int REFUSED = 0;

	private static final int READ = 1;

	/** A read if backslashes in standard literals are ordinary characters. */
	private static final int READ_IF_CONFORMING = 2;

	/** What the scanning helpers return for a literal or comment that does not end. */
	private static final int UNTERMINATED = -1;

	private static final int NO_NAME = -1;

	// A word is compared as a long: its last eight characters folded to lower case, one a
	// byte. As each of these words is shorter than eight, only that word equals it.

	private static final long NO_WORD = 0;

	private static final long E = pack("e");

	private static final long FOR = pack("for");

	private static final long INTO = pack("into");

	private static final long INSERT = pack("insert");

	private static final long UPDATE = pack("update");

	private static final long DELETE = pack("delete");

	private static final long MERGE = pack("merge");

	private static final long SHARE = pack("share");

	private static final long KEY = pack("key");

	// What an ASCII character starts; any other character is a letter. A digit starts a
	// number, which ends at the first letter (1e'...' is 1 and an E'...' literal).

	private static final byte OTHER = 0;

	private static final byte LETTER = 1;

	private static final byte SPACE = 2;

	private static final byte SPECIAL = 3;

	private static final byte[] KINDS = new byte[128];

	private static final boolean[] WORD_PARTS = new boolean[128];

	static {
		for (char c = 0; c < 128; c++) {
			KINDS[c] = kindOf(c);
			WORD_PARTS[c] = isWordPart(c);
		}
	}

	private PlainReads() {
	}

	/**
	 * Whether a statement only reads and holds no session state, so that a replica may
	 * run it outside a transaction.
	 * @param sql the statement as the application prepares it
	 * @return {@code true} only for one statement that is certainly a plain read
	 */
	static boolean isPlainRead(String sql) {
		int verdict = scan(sql, false);
		if (verdict == READ_IF_CONFORMING) {
			return scan(sql, true) == READ;
		}
		return verdict == READ;
	}

	/**
	 * One pass over the statement.
	 * @param sql the statement
	 * @param backslashEscapes whether standard literals are read as {@code E'...'} ones,
	 * as with {@code standard_conforming_strings} off. Then a literal or comment that
	 * does not end is a syntax error that runs nothing, not a reason to refuse.
	 * @return {@link #REFUSED}, {@link #READ} or {@link #READ_IF_CONFORMING}
	 */
	private static int scan(String sql, boolean backslashEscapes) {
		int length = sql.length();
		int i = skipSpaceAndComments(sql, 0, length);
		while (i != UNTERMINATED && i < length && sql.charAt(i) == '(') {
			i = skipSpaceAndComments(sql, i + 1, length);
		}
		if (i == UNTERMINATED || i == length) {
			return REFUSED;
		}
		int end = wordEnd(sql, i, length);
		if (!isReadingCommand(sql, i, end)) {
			return REFUSED;
		}
		int verdict = READ;
		boolean ended = false;
		// What the previous token was, as far as the next one cares
		long lastWord = NO_WORD;
		boolean afterExtendedLiteral = false;
		int nameStart = NO_NAME;
		int nameEnd = NO_NAME;
		boolean nameQuoted = false;
		i = end;
		// The most frequent kinds first; each token is read where its kind is decided
		while (i < length) {
			char c = sql.charAt(i);
			int kind = (c < 128) ? KINDS[c] : LETTER;
			if (kind == LETTER) {
				if (ended) {
					return REFUSED;
				}
				int start = i;
				long word = fold(c);
				while (++i < length) {
					char next = sql.charAt(i);
					if (next < 128 && !WORD_PARTS[next]) {
						break;
					}
					word = (word << 8) | fold(next);
				}
				if (word == E && i < length && sql.charAt(i) == '\'') {
					i = extendedLiteralEnd(sql, i + 1, length);
					if (i == UNTERMINATED) {
						return backslashEscapes ? verdict : REFUSED;
					}
					afterExtendedLiteral = true;
					lastWord = NO_WORD;
					nameStart = NO_NAME;
					continue;
				}
				if (word == INTO || word == INSERT || word == UPDATE || word == DELETE || word == MERGE
						|| (lastWord == FOR && (word == SHARE || word == KEY))) {
					return REFUSED;
				}
				lastWord = word;
				afterExtendedLiteral = false;
				nameStart = start;
				nameEnd = i;
				nameQuoted = false;
			}
			else if (kind == SPACE) {
				i++;
			}
			else if (kind == OTHER) {
				if (ended) {
					return REFUSED;
				}
				lastWord = NO_WORD;
				afterExtendedLiteral = false;
				nameStart = NO_NAME;
				i++;
			}
			else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
				i += 2;
				while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
					i++;
				}
			}
			else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
				i = blockCommentEnd(sql, i + 2, length);
				if (i == UNTERMINATED) {
					return backslashEscapes ? verdict : REFUSED;
				}
			}
			else {
				if (ended) {
					return REFUSED;
				}
				boolean wasExtendedLiteral = afterExtendedLiteral;
				int functionStart = nameStart;
				lastWord = NO_WORD;
				afterExtendedLiteral = false;
				nameStart = NO_NAME;
				if (c == '\'') {
					if (backslashEscapes || wasExtendedLiteral) {
						// A literal continued on the next line keeps the E of its first
						// part
						i = extendedLiteralEnd(sql, i + 1, length);
						afterExtendedLiteral = true;
					}
					else {
						int literalStart = i;
						i = standardLiteralEnd(sql, i + 1);
						if (i != UNTERMINATED && hasBackslash(sql, literalStart, i)) {
							verdict = READ_IF_CONFORMING;
						}
					}
				}
				else if (c == '"') {
					int quote = i;
					i = quotedIdentifierEnd(sql, i + 1, length);
					if (i != UNTERMINATED) {
						nameStart = quote + 1;
						nameEnd = i - 1;
						nameQuoted = true;
					}
				}
				else if (c == '(') {
					if (functionStart != NO_NAME && isRefusedFunction(sql, functionStart, nameEnd, nameQuoted)) {
						return REFUSED;
					}
					i++;
				}
				else if (c == '$') {
					i = dollarQuoteEnd(sql, i, length);
				}
				else {
					ended = c == ';';
					i++;
				}
				if (i == UNTERMINATED) {
					return backslashEscapes ? verdict : REFUSED;
				}
			}
		}
		return verdict;
	}

	private static boolean isReadingCommand(String sql, int start, int end) {
		return switch (end - start) {
			case 4 -> matches(sql, start, "show") || matches(sql, start, "with");
			case 5 -> matches(sql, start, "table");
			case 6 -> matches(sql, start, "select") || matches(sql, start, "values");
			default -> false;
		};
	}

	private static boolean isRefusedFunction(String sql, int start, int end, boolean quoted) {
		if (quoted && (end == start || sql.charAt(start - 2) == '&' || hasQuote(sql, start, end))) {
			return true;
		}
		int length = end - start;
		return switch (sql.charAt(start) | 0x20) {
			case 'c' -> is(sql, start, length, "currval");
			case 'd' -> startsWith(sql, start, length, "dblink");
			case 'l' -> startsWith(sql, start, length, "lo_") || is(sql, start, length, "lastval")
					|| is(sql, start, length, "loread") || is(sql, start, length, "lowrite");
			case 'n' -> is(sql, start, length, "nextval");
			case 'p' -> startsWith(sql, start, length, "pg_") && isRefusedPgFunction(sql, start, length);
			case 'q' -> startsWith(sql, start, length, "query_to_xml");
			case 's' -> is(sql, start, length, "setval") || is(sql, start, length, "set_config")
					|| is(sql, start, length, "setseed");
			case 't' -> startsWith(sql, start, length, "txid_current");
			default -> false;
		};
	}

	private static boolean isRefusedPgFunction(String sql, int start, int length) {
		for (String prefix : REFUSED_PG_PREFIXES) {
			if (startsWith(sql, start, length, prefix)) {
				return true;
			}
		}
		return contains(sql, start, length, "advisory") || contains(sql, start, length, "reset");
	}

	/**
	 * Where the next token starts, or {@code length}; {@link #UNTERMINATED} for a comment
	 * that does not end, or when given it.
	 */
	private static int skipSpaceAndComments(String sql, int i, int length) {
		while (i != UNTERMINATED && i < length) {
			char c = sql.charAt(i);
			if (c <= ' ') {
				i++;
			}
			else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
				i += 2;
				while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
					i++;
				}
			}
			else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
				i = blockCommentEnd(sql, i + 2, length);
			}
			else {
				return i;
			}
		}
		return i;
	}

	private static int blockCommentEnd(String sql, int i, int length) {
		int depth = 1;
		while (i + 1 < length) {
			char c = sql.charAt(i);
			char next = sql.charAt(i + 1);
			if (c == '/' && next == '*') {
				depth++;
				i += 2;
			}
			else if (c == '*' && next == '/') {
				i += 2;
				if (--depth == 0) {
					return i;
				}
			}
			else {
				i++;
			}
		}
		return UNTERMINATED;
	}

	/**
	 * Where a {@code '...'} literal ends. A quote written {@code ''} inside it reads as
	 * two literals that meet, which end at the same place.
	 */
	private static int standardLiteralEnd(String sql, int i) {
		int quote = sql.indexOf('\'', i);
		return (quote != -1) ? quote + 1 : UNTERMINATED;
	}

	/** Where an {@code E'...'} literal ends, a backslash escaping the next character. */
	private static int extendedLiteralEnd(String sql, int i, int length) {
		while (i < length) {
			char c = sql.charAt(i++);
			if (c == '\\') {
				i++;
			}
			else if (c == '\'') {
				if (i < length && sql.charAt(i) == '\'') {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return UNTERMINATED;
	}

	private static int quotedIdentifierEnd(String sql, int i, int length) {
		while (i < length) {
			if (sql.charAt(i++) == '"') {
				if (i < length && sql.charAt(i) == '"') {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return UNTERMINATED;
	}

	/**
	 * Where a {@code $tag$...$tag$} literal that starts at {@code i} ends; just past the
	 * {@code $} when it is not one (a parameter such as {@code $1}, or a syntax error).
	 */
	private static int dollarQuoteEnd(String sql, int i, int length) {
		int tagEnd = i + 1;
		if (tagEnd < length && isWordStart(sql.charAt(tagEnd))) {
			while (tagEnd < length && isTagPart(sql.charAt(tagEnd))) {
				tagEnd++;
			}
		}
		if (tagEnd == length || sql.charAt(tagEnd) != '$') {
			return i + 1;
		}
		int delimiter = tagEnd + 1 - i;
		for (int j = tagEnd + 1; j + delimiter <= length; j++) {
			if (sql.charAt(j) == '$' && sql.regionMatches(j, sql, i, delimiter)) {
				return j + delimiter;
			}
		}
		return UNTERMINATED;
	}

	private static byte kindOf(char c) {
		if (c <= ' ') {
			return SPACE;
		}
		if (isWordStart(c)) {
			return LETTER;
		}
		return ("'\"();-/$".indexOf(c) != -1) ? SPECIAL : OTHER;
	}

	private static long pack(String word) {
		long packed = 0;
		for (int i = 0; i < word.length(); i++) {
			packed = (packed << 8) | fold(word.charAt(i));
		}
		return packed;
	}

	/** A character of a word as one byte: ASCII folded to lower case, the rest 0x80. */
	private static long fold(char c) {
		return (c < 128) ? c | 0x20 : 0x80;
	}

	private static int wordEnd(String sql, int i, int length) {
		while (i < length && isWordPart(sql.charAt(i))) {
			i++;
		}
		return i;
	}

	private static boolean isWordStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
	}

	private static boolean isTagPart(char c) {
		return isWordStart(c) || (c >= '0' && c <= '9');
	}

	private static boolean isWordPart(char c) {
		return isTagPart(c) || c == '$';
	}

	private static boolean hasBackslash(String sql, int start, int end) {
		for (int i = start; i < end; i++) {
			if (sql.charAt(i) == '\\') {
				return true;
			}
		}
		return false;
	}

	private static boolean hasQuote(String sql, int start, int end) {
		for (int i = start; i < end; i++) {
			if (sql.charAt(i) == '"') {
				return true;
			}
		}
		return false;
	}

	private static boolean is(String sql, int start, int length, String lowerCase) {
		return length == lowerCase.length() && matches(sql, start, lowerCase);
	}

	private static boolean startsWith(String sql, int start, int length, String lowerCase) {
		return length >= lowerCase.length() && matches(sql, start, lowerCase);
	}

	private static boolean contains(String sql, int start, int length, String lowerCase) {
		for (int i = start; i <= start + length - lowerCase.length(); i++) {
			if (matches(sql, i, lowerCase)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the characters at {@code start} are those of a lower-case ASCII word, in
	 * any case. The caller knows that there are enough of them.
	 */
	private static boolean matches(String sql, int start, String lowerCase) {
		for (int i = 0; i < lowerCase.length(); i++) {
			char c = sql.charAt(start + i);
			char expected = lowerCase.charAt(i);
			if (c != expected && (c | 0x20) != expected) {
				return false;
			}
		}
		return true;
	}

}
