class ImageBuilder { public static void main(String[] a){ System.out.println("java " + Runtime.version()); } }
