package io.pgmcp;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one compiled class refers to, read from its class file: the types (class constants, the owners
 * and descriptors of field and method references, the descriptors of its own fields and methods, method
 * types of lambdas and method references) and the methods it calls ({@code java.lang.System#nanoTime}).
 *
 * <p>Tests compile with {@code --release 21}, where {@code java.lang.classfile} does not exist, so this
 * walks the constant pool by hand (JVMS chapter 4). Generic signatures are not read: an erased type
 * appears in the descriptors, and a type argument that is used appears as a cast.
 *
 * @param className the class's binary name, {@code io.pgmcp.db.ConnectionPool$Slot}
 * @param types binary names of every type referred to, arrays reduced to their element type
 * @param methods the methods referred to, {@code java.lang.System#nanoTime}
 */
record ClassReferences(String className, Set<String> types, Set<String> methods) {

    ClassReferences {
        types = Set.copyOf(types);
        methods = Set.copyOf(methods);
    }

    /** Reads a class file; throws {@link IOException} when it is not one. */
    static ClassReferences read(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file (bad magic number)");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        int[] tags = new int[count];
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // a long or a double takes two slots
                }
                case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    first[i] = in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        in.readUnsignedShort(); // access flags
        String className = binaryName(utf8[first[in.readUnsignedShort()]]);

        Set<String> types = new TreeSet<>();
        Set<String> methods = new TreeSet<>();
        for (int i = 1; i < count; i++) {
            switch (tags[i]) {
                case 7 -> addClassConstant(utf8[first[i]], types);
                case 9, 10, 11 -> {
                    String owner = utf8[first[first[i]]];
                    int nameAndType = second[i];
                    addClassConstant(owner, types);
                    addDescriptor(utf8[second[nameAndType]], types);
                    if (tags[i] != 9 && !owner.startsWith("[")) {
                        methods.add(binaryName(owner) + "#" + utf8[first[nameAndType]]);
                    }
                }
                case 12 -> addDescriptor(utf8[second[i]], types);
                case 16 -> addDescriptor(utf8[first[i]], types);
                default -> {}
            }
        }
        // the class's own fields and methods: a parameter type appears only in their descriptors
        in.readUnsignedShort(); // super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        for (int member = 0; member < 2; member++) {
            int members = in.readUnsignedShort();
            for (int m = 0; m < members; m++) {
                in.readUnsignedShort(); // access flags
                in.readUnsignedShort(); // name
                addDescriptor(utf8[in.readUnsignedShort()], types);
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    in.readUnsignedShort();
                    in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
                }
            }
        }
        types.remove(className);
        return new ClassReferences(className, types, methods);
    }

    /** A class constant: an internal name, or an array descriptor ({@code [Ljava/sql/Connection;}). */
    private static void addClassConstant(String name, Set<String> types) {
        if (name.startsWith("[")) {
            addDescriptor(name, types);
        } else {
            types.add(binaryName(name));
        }
    }

    /** Every object type in a field or method descriptor, {@code (JLjava/sql/Connection;)V}. */
    static void addDescriptor(String descriptor, Set<String> types) {
        int i = 0;
        while (i < descriptor.length()) {
            if (descriptor.charAt(i) == 'L') {
                int end = descriptor.indexOf(';', i);
                types.add(binaryName(descriptor.substring(i + 1, end)));
                i = end + 1;
            } else {
                i++; // a primitive, an array bracket or a parenthesis
            }
        }
    }

    private static String binaryName(String internalName) {
        return internalName.replace('/', '.');
    }
}
